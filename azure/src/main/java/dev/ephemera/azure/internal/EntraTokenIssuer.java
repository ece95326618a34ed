package dev.ephemera.azure.internal;

import dev.ephemera.core.BearerToken;
import dev.ephemera.core.CredentialConfigurationException;
import dev.ephemera.core.Secret;
import dev.ephemera.core.spi.CredentialIssuer;
import dev.ephemera.core.spi.IssuerInfo;
import dev.ephemera.core.spi.ProjectedToken;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * Issues Entra ID access tokens for one scope: reads the projected token file (rejecting a missing,
 * empty or expired one before any network call), exchanges it at Entra through {@link EntraClient},
 * and stamps the result on the injected clock: issued now, expiring {@code expires_in} later.
 *
 * <p>The token's id is {@code uti:} and its {@code uti} claim when present (unique per token, so a
 * new token is a rotation), else the SHA-256 fingerprint. The service principal's {@code oid}, the
 * tenant, the client id and Entra's {@code refresh_in} hint go into the audit attributes.
 */
public final class EntraTokenIssuer implements CredentialIssuer<BearerToken> {
  /** The provider name in audit events. */
  public static final String PROVIDER = "azure-workload-identity";

  private static final Clock NO_EXPIRY_CHECK = Clock.fixed(Instant.EPOCH, ZoneOffset.UTC);

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
    WorkloadIdentitySettings settings = client.settings();
    String what = settings.tokenFileSetting() + " (" + settings.tokenFile() + ")";
    Secret raw = ProjectedToken.readSecret(settings.tokenFile(), settings.tokenFileSetting());
    notePrincipal(raw, what);
    ProjectedToken assertion = ProjectedToken.parse(raw, what, clock);
    EntraClient.Issued issued = client.acquire(assertion, scope, clock);
    Instant now = clock.instant();
    AccessTokenClaims claims = AccessTokenClaims.of(issued.token());
    BearerToken.Builder token =
        BearerToken.builder()
            .token(issued.token())
            .issuedAt(now)
            .expiresAt(now.plus(issued.expiresIn()))
            .scope(scope)
            .auditAttribute("tenantId", settings.tenantId())
            .auditAttribute("clientId", settings.clientId());
    if (claims.uti() != null) {
      token.id("uti:" + claims.uti());
    }
    if (claims.oid() != null) {
      token.auditAttribute("oid", claims.oid());
    }
    if (issued.refreshIn() != null) {
      token.auditAttribute("refreshInSeconds", Long.toString(issued.refreshIn().toSeconds()));
    }
    return token.build();
  }

  /**
   * Keeps the projected token's subject as the audit principal, read without the expiry check so
   * that the failure of an expired token is audited under the right principal.
   */
  private void notePrincipal(Secret raw, String what) {
    try {
      String subject = ProjectedToken.parse(raw, what, NO_EXPIRY_CHECK).subject();
      if (!subject.equals(info.principal())) {
        info = info.withPrincipal(subject);
      }
    } catch (CredentialConfigurationException e) {
      // not a JWT: issue() reports it next
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
