package dev.ephemera.gcp.internal;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.IdToken;
import com.google.auth.oauth2.IdTokenProvider;
import com.google.auth.oauth2.ImpersonatedCredentials;
import com.google.auth.oauth2.StsTokenExchangeResponse;
import dev.ephemera.core.BearerToken;
import dev.ephemera.core.CredentialUnavailableException;
import dev.ephemera.core.CredentialUnavailableException.Reason;
import dev.ephemera.core.Secret;
import dev.ephemera.core.spi.CredentialIssuer;
import dev.ephemera.core.spi.IssueResult;
import dev.ephemera.core.spi.IssuerInfo;
import dev.ephemera.core.spi.ProjectedToken;
import dev.ephemera.core.spi.http.WireRecorder;
import dev.ephemera.gcp.internal.GoogleErrors.Upstream;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Workload Identity Federation: at every issuance the projected token is read again, exchanged at
 * STS for a federated token, and (with impersonation) that token is traded at IAM Credentials for a
 * service account's access token with the chosen lifetime, or an ID token for an audience. Each
 * step is one library call; nothing is cached between issuances.
 *
 * <p>STS gives the federated token's lifetime as a duration ({@code expires_in}), dated on the
 * local clock at receipt. IAM Credentials stamps an absolute {@code expireTime} (and an ID token an
 * absolute {@code exp}) on Google's clock: those are dated by IAM's HTTP {@code Date}, passed on as
 * {@link IssueResult#upstreamTime()}, so a local wall clock that is off neither stops the source
 * nor stretches the token. A {@code Date} that does not parse is not trusted: the token is then
 * dated on the local clock.
 */
public final class FederationIssuer implements CredentialIssuer<BearerToken> {
  /** What the issuer needs; all values already validated. */
  public record Settings(
      Supplier<ProjectedToken> subjectToken,
      String subjectTokenType,
      String provider,
      List<String> scopes,
      Sts sts,
      @Nullable URI impersonationUrl,
      @Nullable String serviceAccount,
      int lifetimeSeconds) {}

  private final Settings s;
  private final @Nullable String audience;
  private final Clock clock;
  private final String scope;
  private volatile String principal = "unknown";

  private FederationIssuer(Settings settings, @Nullable String audience, Clock clock) {
    this.s = settings;
    this.audience = audience;
    this.clock = clock;
    this.scope = String.join(" ", settings.scopes());
  }

  /** Access tokens: federated, or impersonated when the settings name a service account. */
  public static FederationIssuer accessTokens(Settings settings, Clock clock) {
    return new FederationIssuer(settings, null, clock);
  }

  /** ID tokens for {@code audience}; the settings must name a service account to impersonate. */
  public static FederationIssuer idTokens(Settings settings, String audience, Clock clock) {
    if (settings.serviceAccount() == null) {
      throw new IllegalArgumentException("ID tokens need service-account impersonation");
    }
    return new FederationIssuer(settings, audience, clock);
  }

  @Override
  public BearerToken issue() {
    return issueResult().credential();
  }

  @Override
  public IssueResult<BearerToken> issueResult() {
    ProjectedToken subject = s.subjectToken().get();
    principal = subject.subject();
    Exchanged federated = exchange(subject);
    String sa = s.serviceAccount();
    if (sa == null) {
      Long expiresIn = federated.expiresIn();
      if (expiresIn == null) {
        throw new CredentialUnavailableException(
            Reason.MALFORMED_RESPONSE, "Google STS answered a federated token without expires_in");
      }
      Instant at = federated.receivedAt();
      return IssueResult.of(
          Tokens.bearer(
              federated.token().reveal(),
              at,
              at.plusSeconds(Math.max(0, expiresIn)),
              scope,
              "STS's federated token"));
    }
    return impersonate(sa, federated.token());
  }

  private IssueResult<BearerToken> impersonate(String sa, Secret federated) {
    ImpersonatedCredentials impersonated =
        ImpersonatedCredentials.newBuilder()
            .setSourceCredentials(new FixedTokenCredentials(federated.reveal()))
            .setTargetPrincipal(sa)
            .setScopes(s.scopes())
            .setLifetime(s.lifetimeSeconds())
            .setIamEndpointOverride(
                Objects.requireNonNull(s.impersonationUrl(), "impersonationUrl").toString())
            .setHttpTransportFactory(s.sts().http())
            .build();
    String what =
        audience == null
            ? "an access token for " + sa
            : "an ID token for " + audience + " as " + sa;
    WireRecorder.Exchange exchange = s.sts().http().open();
    try (exchange) {
      if (audience == null) {
        AccessToken at = impersonated.refreshAccessToken();
        Instant upstreamTime = exchange.upstreamTime().orElse(null);
        Instant now = upstreamTime != null ? upstreamTime : clock.instant();
        Date exp = at.getExpirationTime();
        if (exp == null) {
          throw new CredentialUnavailableException(
              Reason.MALFORMED_RESPONSE, "IAM Credentials answered without an expireTime");
        }
        return IssueResult.of(
                Tokens.bearer(
                    at.getTokenValue(), now, exp.toInstant(), scope, "IAM's access token"))
            .withUpstreamTime(upstreamTime);
      }
      IdToken id =
          impersonated.idTokenWithAudience(audience, List.of(IdTokenProvider.Option.INCLUDE_EMAIL));
      Instant upstreamTime = exchange.upstreamTime().orElse(null);
      Instant now = upstreamTime != null ? upstreamTime : clock.instant();
      return IssueResult.of(Tokens.idToken(id, now, audience, "IAM's ID token"))
          .withUpstreamTime(upstreamTime);
    } catch (IOException | RuntimeException e) {
      throw GoogleErrors.classify(Upstream.IAM, what, exchange, e, clock.instant(), federated);
    }
  }

  private record Exchanged(Secret token, @Nullable Long expiresIn, Instant receivedAt) {}

  /** The STS exchange of the projected token. */
  private Exchanged exchange(ProjectedToken subject) {
    String what = "a federated token for " + subject.subject() + " (provider " + s.provider() + ")";
    WireRecorder.Exchange exchange = s.sts().http().open();
    try (exchange) {
      StsTokenExchangeResponse response =
          s.sts()
              .federate(subject.token().reveal(), s.subjectTokenType(), s.provider(), s.scopes());
      Instant now = clock.instant();
      AccessToken at = response.getAccessToken();
      if (at == null || at.getTokenValue() == null || at.getTokenValue().isBlank()) {
        throw new CredentialUnavailableException(
            Reason.MALFORMED_RESPONSE, "Google STS answered without an access_token");
      }
      return new Exchanged(Secret.of(at.getTokenValue()), response.getExpiresInSeconds(), now);
    } catch (IOException | RuntimeException e) {
      throw GoogleErrors.classify(
          Upstream.STS, what, exchange, e, clock.instant(), subject.token());
    }
  }

  @Override
  public IssuerInfo describe() {
    String sa = s.serviceAccount();
    String target = audience != null ? audience : sa != null ? sa : s.provider();
    return new IssuerInfo(
        audience != null ? "gcp-wif-id-token" : sa != null ? "gcp-wif-impersonation" : "gcp-wif",
        principal,
        target,
        audience != null ? "" : scope);
  }

  @Override
  public String toString() {
    return "FederationIssuer[" + describe() + "]";
  }
}
