package dev.ephemera.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A secret value: a session key, a token, a password. Its {@link #toString()} never shows the
 * value, and {@link #reveal()} is the one way to read it.
 *
 * <p>Equality compares the values in constant time; {@link #fingerprint()} gives a short, stable,
 * non-reversible identifier that is safe to log and audit.
 */
public final class Secret {
  private static final HexFormat HEX = HexFormat.of();

  private final String value;

  private Secret(String value) {
    this.value = value;
  }

  /**
   * Wraps a secret value.
   *
   * @param value the value
   * @return the wrapped value, shown redacted
   * @throws IllegalArgumentException if {@code value} is empty
   */
  public static Secret of(String value) {
    Objects.requireNonNull(value, "value");
    if (value.isEmpty()) {
      throw new IllegalArgumentException("a secret must not be empty");
    }
    return new Secret(value);
  }

  /** {@return the secret value} Pass it to the one place that needs it; never log or store it. */
  public String reveal() {
    return value;
  }

  /** {@return the number of characters in the value} */
  public int length() {
    return value.length();
  }

  /**
   * {@return the first 16 hex digits (64 bits) of the value's SHA-256: enough to tell credentials
   * apart in an audit trail, far too little to recover or brute-force a high-entropy token}
   */
  public String fingerprint() {
    return fingerprintOf(value);
  }

  /**
   * {@return the fingerprint of an arbitrary string, as {@link #fingerprint()} computes it}
   *
   * @param text the text
   */
  public static String fingerprintOf(String text) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HEX.formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Secret that
        && MessageDigest.isEqual(
            value.getBytes(StandardCharsets.UTF_8), that.value.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public int hashCode() {
    return fingerprint().hashCode();
  }

  /** Always {@code Secret[redacted]}. */
  @Override
  public String toString() {
    return "Secret[redacted]";
  }
}
