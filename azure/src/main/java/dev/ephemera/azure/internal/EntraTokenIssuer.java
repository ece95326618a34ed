package dev.ephemera.azure.internal;

import dev.ephemera.core.BearerToken;
import dev.ephemera.core.Secret;
import dev.ephemera.core.spi.CredentialIssuer;
import dev.ephemera.core.spi.IssueResult;
import dev.ephemera.core.spi.IssuerInfo;
import dev.ephemera.core.spi.ProjectedToken;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;

/**
 * Issues Entra ID access tokens for one scope: reads the projected token file (rejecting a missing,
 * empty or garbled one before any network call; its expiry is Entra's to judge, on Entra's clock),
 * exchanges it at Entra through {@link EntraClient}, and stamps the result on the injected clock:
 * issued now, expiring {@code expires_in} later. A lifetime given as a duration needs no upstream
 * time: it is skew-proof as it is.
 *
 * <p>Entra's {@code refresh_in} hint is passed to the engine as {@link IssueResult#refreshIn()}, so
 * the refresh comes no later than Entra asks, and kept in the audit attributes.
 *
 * <p>The token's id is {@code uti:} and its {@code uti} claim when present (unique per token, so a
 * new token is a rotation), else the SHA-256 fingerprint. The service principal's {@code oid}, the
 * tenant and the client id go into the audit attributes too.
 */
public final class EntraTokenIssuer implements CredentialIssuer<BearerToken> {
  /** The provider name in audit events. */
  public static final String PROVIDER = "azure-workload-identity";

  private final EntraClient client;
  private final String scope;
  private final Clock clock;
  private volatile IssuerInfo info;

  /** An issuer of tokens for {@code scope} through {@code client}, on {@code clock}. */
  public EntraTokenIssuer(EntraClient client, String scope, Clock clock) {
    this.client = Objects.requireNonNull(client, "client");
    this.scope = Objects.requireNonNull(scope, "scope");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.info = new IssuerInfo(PROVIDER, "", client.settings().target(), scope);
  }

  /** The client this issuer sends through. */
  EntraClient client() {
    return client;
  }

  /** The scope this issuer asks for. */
  public String scope() {
    return scope;
  }

  @Override
  public BearerToken issue() {
    return issueResult().credential();
  }

  @Override
  public IssueResult<BearerToken> issueResult() {
    WorkloadIdentitySettings settings = client.settings();
    String what = settings.tokenFileSetting() + " (" + settings.tokenFile() + ")";
    Secret raw = ProjectedToken.readSecret(settings.tokenFile(), settings.tokenFileSetting());
    ProjectedToken assertion = ProjectedToken.parse(raw, what);
    notePrincipal(assertion.subject());
    EntraClient.Issued issued = client.acquire(assertion, scope, clock);
    Instant now = clock.instant();
    AccessTokenClaims claims = AccessTokenClaims.of(issued.token());
    BearerToken.Builder token =
        BearerToken.builder()
            .token(issued.token())
            .issuedAt(now)
            .expiresAt(plusSaturated(now, issued.expiresIn()))
            .scope(scope)
            .auditAttribute("tenantId", settings.tenantId())
            .auditAttribute("clientId", settings.clientId());
    if (claims.uti() != null) {
      token.id("uti:" + claims.uti());
    }
    if (claims.oid() != null) {
      token.auditAttribute("oid", claims.oid());
    }
    java.time.Duration refreshIn = issued.refreshIn();
    if (refreshIn != null) {
      token.auditAttribute("refreshInSeconds", Long.toString(refreshIn.toSeconds()));
    }
    return IssueResult.of(token.build()).withRefreshIn(refreshIn);
  }

  /** {@code at + d}, or the last instant when that is out of range: never an exception. */
  private static Instant plusSaturated(Instant at, java.time.Duration d) {
    return d.compareTo(java.time.Duration.between(at, Instant.MAX)) >= 0 ? Instant.MAX : at.plus(d);
  }

  /**
   * Keeps the projected token's subject as the audit principal, noted before the exchange so that
   * Entra's refusal (of an expired token, say) is audited under the right principal.
   */
  private void notePrincipal(String subject) {
    if (!subject.equals(info.principal())) {
      info = info.withPrincipal(subject);
    }
  }

  @Override
  public IssuerInfo describe() {
    return info;
  }

  @Override
  public String toString() {
    return "EntraTokenIssuer[" + client.settings().target() + ", scope " + scope + "]";
  }
}
