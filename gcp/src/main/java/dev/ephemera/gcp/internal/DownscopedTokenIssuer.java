package dev.ephemera.gcp.internal;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.StsTokenExchangeResponse;
import dev.ephemera.core.BearerToken;
import dev.ephemera.core.CredentialSource;
import dev.ephemera.core.CredentialUnavailableException;
import dev.ephemera.core.CredentialUnavailableException.Reason;
import dev.ephemera.core.spi.CredentialIssuer;
import dev.ephemera.core.spi.IssueResult;
import dev.ephemera.core.spi.IssuerInfo;
import dev.ephemera.core.spi.http.WireRecorder;
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
 *
 * <p>A source token dated by Google's clock (an impersonated token, whose {@code issuedAt} is IAM's
 * {@code Date}) is compared with STS's {@code Date}, and the downscoped token is dated by it too
 * ({@link IssueResult#upstreamTime()}), so a local clock that is off does not cut it short. A
 * source token dated at local receipt (metadata server, federated) is compared with the local
 * clock.
 */
public final class DownscopedTokenIssuer implements CredentialIssuer<BearerToken> {
  private final CredentialSource<BearerToken> source;
  private final Supplier<IssuerInfo> sourceInfo;
  private final String optionsJson;
  private final String digest;
  private final Sts sts;
  private final Clock clock;
  private final boolean sourceOnUpstreamClock;

  /**
   * An issuer.
   *
   * @param source the source of the token to downscope (shared by every boundary)
   * @param sourceInfo the source issuer's audit fields (principal, target)
   * @param optionsJson STS {@code options}: {@code {"accessBoundary":{...}}}
   * @param digest the boundary's digest, for audit
   * @param sourceOnUpstreamClock whether the source's tokens are dated by Google's clock
   */
  public DownscopedTokenIssuer(
      CredentialSource<BearerToken> source,
      Supplier<IssuerInfo> sourceInfo,
      String optionsJson,
      String digest,
      Sts sts,
      Clock clock,
      boolean sourceOnUpstreamClock) {
    this.source = source;
    this.sourceInfo = sourceInfo;
    this.optionsJson = optionsJson;
    this.digest = digest;
    this.sts = sts;
    this.clock = clock;
    this.sourceOnUpstreamClock = sourceOnUpstreamClock;
  }

  @Override
  public BearerToken issue() {
    return issueResult().credential();
  }

  @Override
  public IssueResult<BearerToken> issueResult() {
    BearerToken base = source.get();
    String what = "a token downscoped to boundary " + digest;
    WireRecorder.Exchange exchange = sts.http().open();
    try (exchange) {
      StsTokenExchangeResponse response = sts.downscope(base.token().reveal(), optionsJson);
      Instant upstreamTime = sourceOnUpstreamClock ? exchange.upstreamTime().orElse(null) : null;
      Instant now = upstreamTime != null ? upstreamTime : clock.instant();
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
      return IssueResult.of(
              BearerToken.builder()
                  .token(t.token())
                  .issuedAt(t.issuedAt())
                  .expiresAt(t.expiresAt())
                  .scope(t.scope())
                  .auditAttribute("sourceCredential", base.id())
                  .build())
          .withUpstreamTime(upstreamTime);
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
