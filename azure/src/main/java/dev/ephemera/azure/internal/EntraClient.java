package dev.ephemera.azure.internal;

import com.azure.core.http.HttpClient;
import com.microsoft.aad.msal4j.ClientCredentialFactory;
import com.microsoft.aad.msal4j.ClientCredentialParameters;
import com.microsoft.aad.msal4j.ConfidentialClientApplication;
import com.microsoft.aad.msal4j.IAuthenticationResult;
import dev.ephemera.azure.internal.MsalHttpBridge.Answer;
import dev.ephemera.core.CredentialConfigurationException;
import dev.ephemera.core.CredentialUnavailableException;
import dev.ephemera.core.CredentialUnavailableException.Reason;
import dev.ephemera.core.Secret;
import dev.ephemera.core.spi.ProjectedToken;
import java.net.MalformedURLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One token request to Entra ID through MSAL4J: the client-credentials grant with the projected
 * token as the client assertion.
 *
 * <p>Each call builds its own {@link ConfidentialClientApplication} around the assertion just read
 * and asks with {@code skipCache(true)}. MSAL's default for client credentials (and what
 * azure-identity's credentials do) is to look in the application's token cache first and hand back
 * the cached token until it is close to expiry, so a proactive refresh would get the old token
 * back; skipping the cache sends every issuance to Entra, and a per-call application means MSAL
 * keeps no copy of the token (or the assertion) after the call. MSAL runs inline on the caller's
 * thread, with its internal retries off: the engine owns retries.
 */
public final class EntraClient {
  private final WorkloadIdentitySettings settings;
  private final HttpClient http;

  /** A client for {@code settings}, sending through {@code http}. */
  public EntraClient(WorkloadIdentitySettings settings, HttpClient http) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.http = Objects.requireNonNull(http, "http");
  }

  /** The settings. */
  public WorkloadIdentitySettings settings() {
    return settings;
  }

  /**
   * What Entra issued.
   *
   * @param token the access token
   * @param expiresIn {@code expires_in}
   * @param refreshIn {@code refresh_in}, if Entra sent one
   */
  public record Issued(Secret token, Duration expiresIn, @Nullable Duration refreshIn) {
    @Override
    public String toString() {
      return "Issued[expiresIn=" + expiresIn + ", refreshIn=" + refreshIn + "]";
    }
  }

  /**
   * Requests a token for {@code scope}.
   *
   * @throws CredentialUnavailableException classified by {@link EntraFailures}
   */
  public Issued acquire(ProjectedToken assertion, String scope, Clock clock) {
    MsalHttpBridge bridge = new MsalHttpBridge(http, settings.authorityHost());
    ConfidentialClientApplication app = application(assertion.token(), bridge);
    ClientCredentialParameters parameters =
        ClientCredentialParameters.builder(Set.of(scope)).skipCache(true).build();
    IAuthenticationResult result;
    try {
      result = app.acquireToken(parameters).join();
    } catch (RuntimeException e) {
      throw new EntraFailures(settings, scope, clock).classify(e, bridge.tokenAnswer(), assertion);
    }
    return issued(result, bridge.tokenAnswer(), scope);
  }

  private ConfidentialClientApplication application(Secret assertion, MsalHttpBridge bridge) {
    try {
      return ConfidentialClientApplication.builder(
              settings.clientId(),
              ClientCredentialFactory.createFromClientAssertion(assertion.reveal()))
          .authority(settings.authority())
          .instanceDiscovery(settings.instanceDiscovery())
          .validateAuthority(settings.instanceDiscovery())
          .httpClient(bridge)
          .executorService(InlineExecutorService.INSTANCE)
          .disableInternalRetries()
          .logPii(false)
          .build();
    } catch (MalformedURLException e) {
      throw new CredentialConfigurationException(
          settings.authorityHostSetting(),
          "gives an authority MSAL cannot parse: " + settings.authority(),
          null);
    }
  }

  private static Issued issued(
      IAuthenticationResult result, @Nullable Answer answer, String scope) {
    String token = result.accessToken();
    if (token == null || token.isEmpty()) {
      throw new CredentialUnavailableException(
          Reason.MALFORMED_RESPONSE,
          "Entra ID answered the token request for " + scope + " without an access token");
    }
    Map<String, Object> body = answer == null ? null : JsonObjects.parse(answer.body());
    if (body == null) {
      throw new CredentialUnavailableException(
          Reason.MALFORMED_RESPONSE,
          "the token response for " + scope + " could not be read back for its lifetime");
    }
    OptionalLong expiresIn = JsonObjects.whole(body, "expires_in");
    if (expiresIn.isEmpty() || expiresIn.getAsLong() < 0) {
      throw new CredentialUnavailableException(
          Reason.MALFORMED_RESPONSE,
          "Entra ID answered the token request for " + scope + " without a valid expires_in");
    }
    OptionalLong refreshIn = JsonObjects.whole(body, "refresh_in");
    return new Issued(
        Secret.of(token),
        Duration.ofSeconds(expiresIn.getAsLong()),
        refreshIn.isPresent() && refreshIn.getAsLong() > 0
            ? Duration.ofSeconds(refreshIn.getAsLong())
            : null);
  }
}
