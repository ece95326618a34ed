package dev.ephemera.core.spi;

import dev.ephemera.core.Secret;
import dev.ephemera.core.internal.Json;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The claims of a JWT, decoded without verifying its signature: the one decoder every backend uses
 * for what a token says about itself (a projected token's {@code sub} and {@code exp} for audit and
 * pre-flight checks, an access token's {@code uti} or {@code oid} for a credential id). Nothing
 * read here is trusted for a security decision; the upstream verifies the token.
 *
 * <p>Decoding is bounded: a token longer than {@link #MAX_TOKEN_CHARS} or a payload nested deeper
 * than the core JSON reader allows is refused, never parsed. Accessors return empty for a claim
 * that is absent or of another type. {@link #toString()} names the claims present, never their
 * values.
 */
public final class UnverifiedClaims {
  /** The longest token decoded; anything longer is refused unread. */
  public static final int MAX_TOKEN_CHARS = 64 * 1024;

  private final Map<String, Object> claims;

  private UnverifiedClaims(Map<String, Object> claims) {
    this.claims = claims;
  }

  /**
   * Decodes the payload of {@code jwt}.
   *
   * @param jwt the JWT, compact form
   * @return the payload's claims, not verified
   * @throws IllegalArgumentException naming what is wrong (not three parts, not base64url, not a
   *     JSON object, too long or too deep); the message never contains the token
   */
  public static UnverifiedClaims decode(Secret jwt) {
    String token = jwt.reveal();
    if (token.length() > MAX_TOKEN_CHARS) {
      throw new IllegalArgumentException(
          "is " + token.length() + " characters long, more than the " + MAX_TOKEN_CHARS + " read");
    }
    int first = token.indexOf('.');
    int second = first < 0 ? -1 : token.indexOf('.', first + 1);
    if (first < 0 || second < 0 || token.indexOf('.', second + 1) >= 0) {
      throw new IllegalArgumentException(
          "is not a JWT (expected 3 dot-separated parts, found " + parts(token) + ")");
    }
    String payload;
    try {
      payload =
          new String(
              Base64.getUrlDecoder().decode(token.substring(first + 1, second)),
              StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("has a payload that is not base64url JSON");
    }
    try {
      return new UnverifiedClaims(Json.parseObject(payload));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "has a payload that is not base64url JSON (a JSON object is needed)");
    }
  }

  /**
   * {@return {@link #decode} that answers empty instead of throwing, for tokens that are opaque by
   * contract}
   *
   * @param token the token
   */
  public static Optional<UnverifiedClaims> tryDecode(Secret token) {
    try {
      return Optional.of(decode(token));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static int parts(String token) {
    int n = 1;
    for (int i = 0; i < token.length(); i++) {
      if (token.charAt(i) == '.') {
        n++;
      }
    }
    return n;
  }

  /**
   * {@return whether the claim is present (with any value, JSON null included)}
   *
   * @param name the name
   */
  public boolean has(String name) {
    return claims.containsKey(name);
  }

  /**
   * {@return a string claim; empty when absent, empty text, or not a string}
   *
   * @param name the name
   */
  public Optional<String> string(String name) {
    return claims.get(name) instanceof String s && !s.isEmpty() ? Optional.of(s) : Optional.empty();
  }

  /**
   * {@return a string claim that looks like an identifier, safe to show in audit: at most {@code
   * maxLength} characters and no whitespace or control characters; empty otherwise}
   *
   * @param name the name
   * @param maxLength the max length
   */
  public Optional<String> identifier(String name, int maxLength) {
    Optional<String> v = string(name);
    if (v.isEmpty() || v.get().length() > maxLength) {
      return Optional.empty();
    }
    String s = v.get();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c) || Character.isISOControl(c)) {
        return Optional.empty();
      }
    }
    return v;
  }

  /**
   * {@return a claim that is a string or an array (only its strings kept), such as {@code aud}}
   *
   * @param name the name
   */
  public List<String> strings(String name) {
    Object v = claims.get(name);
    if (v instanceof String s) {
      return List.of(s);
    }
    if (v instanceof List<?> l) {
      return l.stream().filter(String.class::isInstance).map(String.class::cast).toList();
    }
    return List.of();
  }

  /**
   * A NumericDate claim ({@code exp}, {@code iat}, {@code nbf}): whole seconds since the epoch.
   *
   * @param name the name
   * @return empty when absent
   * @throws IllegalArgumentException when present but not a whole number of seconds in range
   */
  public Optional<Instant> instant(String name) {
    Object v = claims.get(name);
    if (v == null) {
      return Optional.empty();
    }
    if (v instanceof BigDecimal n) {
      try {
        return Optional.of(Instant.ofEpochSecond(n.longValueExact()));
      } catch (ArithmeticException | DateTimeException e) {
        // reported below
      }
    }
    throw new IllegalArgumentException("whose " + name + " claim is not a whole number of seconds");
  }

  /** The names of the claims present, never their values. */
  @Override
  public String toString() {
    return "UnverifiedClaims" + claims.keySet();
  }
}
