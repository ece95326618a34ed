package dev.ephemera.gcp.internal;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.IdToken;
import dev.ephemera.core.BearerToken;
import dev.ephemera.core.CredentialUnavailableException;
import dev.ephemera.core.CredentialUnavailableException.Reason;
import dev.ephemera.core.Secret;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.jspecify.annotations.Nullable;

/** Converts the library's tokens into {@link BearerToken}s on our clock. */
@SuppressWarnings("JavaUtilDate") // the library's API speaks java.util.Date
final class Tokens {
  private Tokens() {}

  /**
   * The lifetime left of a token whose expiry the library computed as its own clock ({@link
   * System#currentTimeMillis()}) plus a relative {@code expires_in}: measured against that same
   * clock right after the call, rounded to whole seconds (the wire's unit), so it can be re-based
   * on the injected clock.
   */
  static Duration relativeLifetime(AccessToken token, long wallMillisAfterCall, String what) {
    Date exp = token.getExpirationTime();
    if (exp == null) {
      throw new CredentialUnavailableException(
          Reason.MALFORMED_RESPONSE, what + " came without an expiry");
    }
    long millis = exp.getTime() - wallMillisAfterCall;
    return Duration.ofSeconds(Math.max(0, Math.round(millis / 1000.0)));
  }

  /** A bearer token; an empty value is a malformed response. */
  static BearerToken bearer(
      @Nullable String value, Instant issuedAt, Instant expiresAt, String scope, String what) {
    if (value == null || value.isBlank()) {
      throw new CredentialUnavailableException(
          Reason.MALFORMED_RESPONSE, what + " came with an empty token");
    }
    if (expiresAt.isBefore(issuedAt)) {
      expiresAt = issuedAt; // already expired: the engine rejects it as such
    }
    return BearerToken.builder()
        .token(Secret.of(value))
        .issuedAt(issuedAt)
        .expiresAt(expiresAt)
        .scope(scope)
        .build();
  }

  /** A bearer token from an ID token: its {@code exp}, and {@code iat} when it is sane. */
  static BearerToken idToken(IdToken token, Instant now, String audience, String what) {
    Date exp = token.getExpirationTime();
    if (exp == null) {
      throw new CredentialUnavailableException(
          Reason.MALFORMED_RESPONSE, what + " is a JWT without an exp claim");
    }
    Instant expiresAt = exp.toInstant();
    return bearer(token.getTokenValue(), now, expiresAt, audience, what);
  }
}
