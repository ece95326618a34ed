package dev.ephemera.gcp.internal;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.StsTokenExchangeResponse;
import dev.ephemera.core.BearerToken;
import dev.ephemera.core.CredentialSource;
import dev.ephemera.core.CredentialUnavailableException;
import dev.ephemera.core.CredentialUnavailableException.Reason;
import dev.ephemera.core.spi.CredentialIssuer;
import dev.ephemera.core.spi.IssuerInfo;
import dev.ephemera.gcp.internal.GoogleErrors.Upstream;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * A token limited by a Credential Access Boundary: at every issuance the source's current token is
 * exchanged at STS with the boundary as {@code options}. STS omits {@code expires_in} unless the
 * source is a service account; then the new token expires with its source. Either way it never
 * outlives the source token.
 */
public final class DownscopedTokenIssuer implements CredentialIssuer<BearerToken> {
  private final CredentialSource<BearerToken> source;
  private final Supplier<IssuerInfo> sourceInfo;
  private final String optionsJson;
  private final String digest;
  private final Sts sts;
  private final Clock clock;

  /**
   * An issuer.
   *
   * @param source the source of the token to downscope (shared by every boundary)
   * @param sourceInfo the source issuer's audit fields (principal, target)
   * @param optionsJson STS {@code options}: {@code {"accessBoundary":{...}}}
   * @param digest the boundary's digest, for audit
   */
  public DownscopedTokenIssuer(
      CredentialSource<BearerToken> source,
      Supplier<IssuerInfo> sourceInfo,
      String optionsJson,
      String digest,
      Sts sts,
      Clock clock) {
    this.source = source;
    this.sourceInfo = sourceInfo;
    this.optionsJson = optionsJson;
    this.digest = digest;
    this.sts = sts;
    this.clock = clock;
  }

  @Override
  public BearerToken issue() {
    BearerToken base = source.get();
    String what = "a token downscoped to boundary " + digest;
    GoogleHttp.Exchange exchange = sts.http().open();
    try (exchange) {
      StsTokenExchangeResponse response = sts.downscope(base.token().reveal(), optionsJson);
      Instant now = clock.instant();
      AccessToken at = response.getAccessToken();
      if (at == null) {
        throw new CredentialUnavailableException(
            Reason.MALFORMED_RESPONSE, "Google STS answered without an access_token");
      }
      Long expiresIn = response.getExpiresInSeconds();
      Instant expiresAt = base.expiresAt();
      if (expiresIn != null && now.plusSeconds(Math.max(0, expiresIn)).isBefore(expiresAt)) {
        expiresAt = now.plusSeconds(Math.max(0, expiresIn));
      }
      BearerToken t =
          Tokens.bearer(
              at.getTokenValue(), now, expiresAt, "boundary " + digest, "STS's downscoped token");
      return BearerToken.builder()
          .token(t.token())
          .issuedAt(t.issuedAt())
          .expiresAt(t.expiresAt())
          .scope(t.scope())
          .auditAttribute("sourceCredential", base.id())
          .build();
    } catch (IOException | RuntimeException e) {
      throw GoogleErrors.classify(Upstream.STS, what, exchange, e, clock.instant(), base.token());
    }
  }

  @Override
  public IssuerInfo describe() {
    IssuerInfo base = sourceInfo.get();
    return new IssuerInfo("gcp-downscoped", base.principal(), base.target(), "boundary " + digest);
  }

  @Override
  public String toString() {
    return "DownscopedTokenIssuer[" + digest + "]";
  }
}
