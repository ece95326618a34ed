package dev.ephemera.azure.internal;

import dev.ephemera.core.Secret;
import dev.ephemera.core.spi.UnverifiedClaims;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The non-secret claims of an Entra access token that audit needs: {@code uti} (unique per token),
 * {@code oid} (the service principal), {@code tid}, {@code appid}. Read by core's one unverified
 * decoder ({@link UnverifiedClaims}): the token is opaque to clients by contract, so every claim is
 * optional and a token that is not a JWT simply has none.
 *
 * @param uti the token's unique identifier, or {@code null}
 * @param oid the object id of the service principal, or {@code null}
 * @param tid the tenant, or {@code null}
 * @param appid the application, or {@code null}
 */
record AccessTokenClaims(
    @Nullable String uti, @Nullable String oid, @Nullable String tid, @Nullable String appid) {
  private static final AccessTokenClaims NONE = new AccessTokenClaims(null, null, null, null);

  /** The longest claim value kept: identifiers are GUIDs or short base64url strings. */
  static final int MAX_CLAIM = 128;

  static AccessTokenClaims of(Secret token) {
    Optional<UnverifiedClaims> decoded = UnverifiedClaims.tryDecode(token);
    if (decoded.isEmpty()) {
      return NONE;
    }
    UnverifiedClaims claims = decoded.get();
    return new AccessTokenClaims(
        identifier(claims, "uti"),
        identifier(claims, "oid"),
        identifier(claims, "tid"),
        identifier(claims, "appid"));
  }

  private static @Nullable String identifier(UnverifiedClaims claims, String name) {
    return claims.identifier(name, MAX_CLAIM).orElse(null);
  }
}
