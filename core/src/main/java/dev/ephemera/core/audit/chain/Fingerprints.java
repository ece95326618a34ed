package dev.ephemera.core.audit.chain;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keyed fingerprints of identifiers that could act on a credential: {@code hmac-sha256:} and the
 * first 16 bytes, in hex, of HMAC-SHA256(key, id). Equal ids give equal fingerprints under one key;
 * without the key nobody can tell which id a fingerprint names.
 */
final class Fingerprints {
  /** What every fingerprint starts with. */
  static final String PREFIX = "hmac-sha256:";

  private final SecretKeySpec key;

  Fingerprints(byte[] key) {
    this.key = new SecretKeySpec(key, "HmacSHA256");
  }

  String of(String id) {
    if (id.startsWith(PREFIX)) {
      return id; // already one
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      byte[] digest = mac.doFinal(id.getBytes(StandardCharsets.UTF_8));
      return PREFIX + ChainFormat.hex().formatHex(digest, 0, 16);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no HmacSHA256", e);
    }
  }

  @Override
  public String toString() {
    return "Fingerprints[key hidden]";
  }
}
