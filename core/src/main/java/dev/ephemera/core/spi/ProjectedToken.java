package dev.ephemera.core.spi;

import dev.ephemera.core.CredentialConfigurationException;
import dev.ephemera.core.Secret;
import dev.ephemera.core.spi.http.BoundedBody;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
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
  /**
   * The largest token or secret-id file read: 64 KiB (a projected token is about 1 KiB, a JWT-SVID
   * a few).
   */
  public static final int MAX_FILE_BYTES = UnverifiedClaims.MAX_TOKEN_CHARS;

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
   * @return the decoded token
   * @throws CredentialConfigurationException if the file is missing, unreadable or empty, or does
   *     not hold a JWT with {@code sub} and {@code exp}
   */
  public static ProjectedToken read(Path file, String setting) {
    return parse(readSecret(file, setting), setting, "names " + file + ", which ");
  }

  /**
   * {@return the same as {@link #read(Path, String)}, kept so that callers written against it
   * compile: the clock is no longer consulted, since a token's expiry is the upstream's to judge}
   *
   * @param file the token file
   * @param setting the name of the setting that pointed at the file, for error messages (e.g.
   *     {@code AWS_WEB_IDENTITY_TOKEN_FILE})
   * @param clock ignored
   */
  public static ProjectedToken read(Path file, String setting, Clock clock) {
    Objects.requireNonNull(clock, "clock");
    return read(file, setting);
  }

  /**
   * Reads a file holding one secret (a token, a secret id), trimmed of surrounding blanks. At most
   * {@link #MAX_FILE_BYTES} are read.
   *
   * @param file the token file
   * @param setting the name of the setting that pointed at the file, for error messages (e.g.
   *     {@code AWS_WEB_IDENTITY_TOKEN_FILE})
   * @return the file's content as a secret
   * @throws CredentialConfigurationException if it is missing, unreadable, empty or too large
   */
  public static Secret readSecret(Path file, String setting) {
    Objects.requireNonNull(file, "file");
    String text;
    try (InputStream in = Files.newInputStream(file)) {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .decode(ByteBuffer.wrap(BoundedBody.read(in, MAX_FILE_BYTES, "the file " + file)))
              .toString()
              .strip();
    } catch (BoundedBody.TooLargeException e) {
      throw new CredentialConfigurationException(
          setting,
          "names a file larger than the "
              + MAX_FILE_BYTES
              + " bytes a token or secret id may have: "
              + file);
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
   * @param jwt the JWT, compact form
   * @param what names the token's origin in error messages
   * @return the decoded token
   * @throws CredentialConfigurationException if it is not a JWT or lacks {@code sub} or {@code exp}
   */
  public static ProjectedToken parse(Secret jwt, String what) {
    return parse(jwt, what, "");
  }

  /**
   * {@return the same as {@link #parse(Secret, String)}, kept so that callers written against it
   * compile: the clock is no longer consulted, since a token's expiry is the upstream's to judge}
   *
   * @param jwt the JWT, compact form
   * @param what names the token's origin in error messages
   * @param clock ignored
   */
  public static ProjectedToken parse(Secret jwt, String what, Clock clock) {
    Objects.requireNonNull(clock, "clock");
    return parse(jwt, what);
  }

  private static ProjectedToken parse(Secret jwt, String what, String where) {
    UnverifiedClaims claims;
    try {
      claims = UnverifiedClaims.decode(jwt);
    } catch (IllegalArgumentException e) {
      String why = String.valueOf(e.getMessage());
      throw new CredentialConfigurationException(
          what,
          where
              + (why.startsWith("is not a JWT")
                  ? "does not hold a JWT" + why.substring("is not a JWT".length())
                  : "holds a token that " + why));
    }
    String subject =
        claims
            .string("sub")
            .orElseThrow(
                () ->
                    new CredentialConfigurationException(
                        what, where + "holds a JWT without a sub claim"));
    String issuer = claims.string("iss").orElse("");
    Instant expiresAt =
        instantClaim(claims, "exp", what, where)
            .orElseThrow(
                () ->
                    new CredentialConfigurationException(
                        what, where + "holds a JWT without an exp claim"));
    Instant issuedAt = instantClaim(claims, "iat", what, where).orElse(null);
    return new ProjectedToken(jwt, subject, issuer, claims.strings("aud"), expiresAt, issuedAt);
  }

  private static Optional<Instant> instantClaim(
      UnverifiedClaims claims, String name, String what, String where) {
    try {
      return claims.instant(name);
    } catch (IllegalArgumentException e) {
      throw new CredentialConfigurationException(
          what, where + "holds a JWT that " + e.getMessage());
    }
  }

  /** {@return the token itself, to send upstream} */
  public Secret token() {
    return token;
  }

  /**
   * {@return the {@code sub} claim, e.g. {@code system:serviceaccount:ns:name}: the audit
   * principal}
   */
  public String subject() {
    return subject;
  }

  /** {@return the {@code iss} claim, or empty} */
  public String issuer() {
    return issuer;
  }

  /** {@return the {@code aud} claim as a list} */
  public List<String> audiences() {
    return audiences;
  }

  /** {@return the {@code exp} claim} */
  public Instant expiresAt() {
    return expiresAt;
  }

  /** {@return the {@code iat} claim, if present} */
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
