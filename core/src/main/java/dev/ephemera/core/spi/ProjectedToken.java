package dev.ephemera.core.spi;

import dev.ephemera.core.CredentialConfigurationException;
import dev.ephemera.core.Secret;
import dev.ephemera.core.internal.Json;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A projected service-account token (a JWT) read from the file the kubelet keeps fresh, with its
 * claims decoded for audit and pre-flight checks. The signature is not verified here: the upstream
 * does that. Read the file at every issuance: the kubelet rotates it.
 *
 * <p>The pre-flight checks are never stricter than the upstream: a file that is missing, empty, not
 * a JWT, or lacks {@code sub} or {@code exp} is refused, but the token's expiry is not judged here.
 * Only the upstream can judge it, on its own clock: a local wall clock that runs ahead would
 * otherwise refuse a token the upstream still accepts. An expired token is sent, and the upstream's
 * refusal is reported as such.
 *
 * <p>{@link #toString()} shows the claims, never the token.
 */
public final class ProjectedToken {
  private final Secret token;
  private final String subject;
  private final String issuer;
  private final List<String> audiences;
  private final Instant expiresAt;
  private final @Nullable Instant issuedAt;

  private ProjectedToken(
      Secret token,
      String subject,
      String issuer,
      List<String> audiences,
      Instant expiresAt,
      @Nullable Instant issuedAt) {
    this.token = token;
    this.subject = subject;
    this.issuer = issuer;
    this.audiences = audiences;
    this.expiresAt = expiresAt;
    this.issuedAt = issuedAt;
  }

  /**
   * Reads and checks a token file. Its expiry is not checked: the upstream judges it.
   *
   * @param file the token file
   * @param setting the name of the setting that pointed at the file, for error messages (e.g.
   *     {@code AWS_WEB_IDENTITY_TOKEN_FILE})
   * @throws CredentialConfigurationException if the file is missing, unreadable or empty, or does
   *     not hold a JWT with {@code sub} and {@code exp}
   */
  public static ProjectedToken read(Path file, String setting) {
    return parse(readSecret(file, setting), setting, "names " + file + ", which ");
  }

  /**
   * The same as {@link #read(Path, String)}, kept so that callers written against it compile: the
   * clock is no longer consulted, since a token's expiry is the upstream's to judge.
   *
   * @param clock ignored
   */
  public static ProjectedToken read(Path file, String setting, Clock clock) {
    Objects.requireNonNull(clock, "clock");
    return read(file, setting);
  }

  /**
   * Reads a file holding one secret (a token, a secret id), trimmed of surrounding blanks.
   *
   * @throws CredentialConfigurationException if it is missing, unreadable or empty
   */
  public static Secret readSecret(Path file, String setting) {
    Objects.requireNonNull(file, "file");
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (NoSuchFileException e) {
      throw new CredentialConfigurationException(
          setting, "names a file that does not exist: " + file);
    } catch (IOException | RuntimeException e) {
      throw new CredentialConfigurationException(
          setting,
          "names a file that cannot be read: " + file + " (" + e.getClass().getSimpleName() + ")",
          null);
    }
    if (text.isEmpty()) {
      throw new CredentialConfigurationException(setting, "names an empty file: " + file);
    }
    return Secret.of(text);
  }

  /**
   * Decodes and checks a JWT already in memory. Its expiry is not checked: the upstream judges it.
   *
   * @param what names the token's origin in error messages
   * @throws CredentialConfigurationException if it is not a JWT or lacks {@code sub} or {@code exp}
   */
  public static ProjectedToken parse(Secret jwt, String what) {
    return parse(jwt, what, "");
  }

  /**
   * The same as {@link #parse(Secret, String)}, kept so that callers written against it compile:
   * the clock is no longer consulted, since a token's expiry is the upstream's to judge.
   *
   * @param clock ignored
   */
  public static ProjectedToken parse(Secret jwt, String what, Clock clock) {
    Objects.requireNonNull(clock, "clock");
    return parse(jwt, what);
  }

  private static ProjectedToken parse(Secret jwt, String what, String where) {
    String[] parts = jwt.reveal().split("\\.", -1);
    if (parts.length != 3) {
      throw new CredentialConfigurationException(
          what,
          where
              + "does not hold a JWT (expected 3 dot-separated parts, found "
              + parts.length
              + ")");
    }
    Map<String, Object> claims;
    try {
      String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
      claims = Json.parseObject(payload);
    } catch (IllegalArgumentException e) {
      throw new CredentialConfigurationException(
          what, where + "holds a JWT whose payload is not base64url JSON");
    }
    String subject = stringClaim(claims, "sub", what, where);
    String issuer = claims.get("iss") instanceof String s ? s : "";
    Instant expiresAt = instantClaim(claims, "exp", what, where);
    if (expiresAt == null) {
      throw new CredentialConfigurationException(what, where + "holds a JWT without an exp claim");
    }
    Instant issuedAt = instantClaim(claims, "iat", what, where);
    Object aud = claims.get("aud");
    List<String> audiences =
        aud instanceof String s
            ? List.of(s)
            : aud instanceof List<?> l
                ? l.stream().filter(String.class::isInstance).map(String.class::cast).toList()
                : List.of();
    return new ProjectedToken(jwt, subject, issuer, audiences, expiresAt, issuedAt);
  }

  private static String stringClaim(
      Map<String, Object> claims, String name, String what, String where) {
    if (claims.get(name) instanceof String s && !s.isEmpty()) {
      return s;
    }
    throw new CredentialConfigurationException(
        what, where + "holds a JWT without a " + name + " claim");
  }

  private static @Nullable Instant instantClaim(
      Map<String, Object> claims, String name, String what, String where) {
    Object v = claims.get(name);
    if (v == null) {
      return null;
    }
    if (v instanceof BigDecimal n) {
      try {
        return Instant.ofEpochSecond(n.longValueExact());
      } catch (ArithmeticException | java.time.DateTimeException e) {
        // fall through to the error below
      }
    }
    throw new CredentialConfigurationException(
        what, where + "holds a JWT whose " + name + " claim is not a whole number of seconds");
  }

  /** The token itself, to send upstream. */
  public Secret token() {
    return token;
  }

  /** The {@code sub} claim, e.g. {@code system:serviceaccount:ns:name}: the audit principal. */
  public String subject() {
    return subject;
  }

  /** The {@code iss} claim, or empty. */
  public String issuer() {
    return issuer;
  }

  /** The {@code aud} claim as a list. */
  public List<String> audiences() {
    return audiences;
  }

  /** The {@code exp} claim. */
  public Instant expiresAt() {
    return expiresAt;
  }

  /** The {@code iat} claim, if present. */
  public Optional<Instant> issuedAt() {
    return Optional.ofNullable(issuedAt);
  }

  @Override
  public String toString() {
    return "ProjectedToken[sub="
        + subject
        + ", iss="
        + issuer
        + ", aud="
        + audiences
        + ", exp="
        + expiresAt
        + "]";
  }
}
