package dev.ephemera.azure.internal;

import dev.ephemera.core.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The non-secret claims of an Entra access token that audit needs: {@code uti} (unique per token),
 * {@code oid} (the service principal), {@code tid}, {@code appid}. Read without verifying: the
 * token is opaque to clients by contract, so every claim is optional and a token that is not a JWT
 * simply has none.
 *
 * @param uti the token's unique identifier, or {@code null}
 * @param oid the object id of the service principal, or {@code null}
 * @param tid the tenant, or {@code null}
 * @param appid the application, or {@code null}
 */
record AccessTokenClaims(
    @Nullable String uti, @Nullable String oid, @Nullable String tid, @Nullable String appid) {
  private static final AccessTokenClaims NONE = new AccessTokenClaims(null, null, null, null);
  private static final int MAX_CLAIM = 128;

  static AccessTokenClaims of(Secret token) {
    String[] parts = token.reveal().split("\\.", -1);
    if (parts.length != 3) {
      return NONE;
    }
    Map<String, Object> claims;
    try {
      claims =
          JsonObjects.parse(
              new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      return NONE;
    }
    if (claims == null) {
      return NONE;
    }
    return new AccessTokenClaims(
        identifier(claims, "uti"),
        identifier(claims, "oid"),
        identifier(claims, "tid"),
        identifier(claims, "appid"));
  }

  /** A claim that looks like an identifier (short, no spaces or control characters). */
  private static @Nullable String identifier(Map<String, Object> claims, String name) {
    String v = JsonObjects.string(claims, name);
    if (v == null || v.isEmpty() || v.length() > MAX_CLAIM) {
      return null;
    }
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (Character.isWhitespace(c) || Character.isISOControl(c)) {
        return null;
      }
    }
    return v;
  }
}
