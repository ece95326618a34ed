package dev.ephemera.azure.internal;

import com.azure.core.http.HttpClient;
import com.microsoft.aad.msal4j.ClientCredentialFactory;
import com.microsoft.aad.msal4j.ClientCredentialParameters;
import com.microsoft.aad.msal4j.ConfidentialClientApplication;
import com.microsoft.aad.msal4j.IAuthenticationResult;
import dev.ephemera.core.CredentialConfigurationException;
import dev.ephemera.core.CredentialUnavailableException;
import dev.ephemera.core.CredentialUnavailableException.Reason;
import dev.ephemera.core.Secret;
import dev.ephemera.core.spi.ProjectedToken;
import dev.ephemera.core.spi.http.BoundedBody;
import dev.ephemera.core.spi.http.WireRecorder;
import java.net.MalformedURLException;
import java.time.Clock;
import java.time.Duration;
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
 * thread, with its internal retries off: the engine owns retries. What its requests did on the wire
 * is recorded on core's {@link WireRecorder}, one exchange per issuance, and classified from there
 * by {@link EntraFailures}; every body is read bounded ({@link BoundedBody#DEFAULT_LIMIT}).
 */
public final class EntraClient {
  private final WorkloadIdentitySettings settings;
  private final HttpClient http;
  private final WireRecorder recorder = new WireRecorder();

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
  record Issued(Secret token, Duration expiresIn, @Nullable Duration refreshIn) {
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
  Issued acquire(ProjectedToken assertion, String scope, Clock clock) {
    MsalHttpBridge bridge =
        new MsalHttpBridge(http, settings.authorityHost(), recorder, BoundedBody.DEFAULT_LIMIT);
    ConfidentialClientApplication app = application(assertion.token(), bridge);
    ClientCredentialParameters parameters =
        ClientCredentialParameters.builder(Set.of(scope)).skipCache(true).build();
    try (WireRecorder.Exchange wire = recorder.open()) {
      IAuthenticationResult result;
      try {
        result = app.acquireToken(parameters).join();
      } catch (RuntimeException e) {
        inline(bridge, wire);
        throw new EntraFailures(settings, scope, clock).classify(e, wire, assertion);
      }
      inline(bridge, wire);
      return issued(result, bridge.tokenLifetime(), scope);
    }
  }

  /**
   * Every request the bridge sent was recorded on this thread: MSAL ran inline, as {@link
   * InlineExecutorService} makes it. Were it not, failures would be misread as unreachable.
   */
  private static void inline(MsalHttpBridge bridge, WireRecorder.Exchange wire) {
    if (wire.requests() != bridge.requests()) {
      throw new IllegalStateException(
          "MSAL sent "
              + bridge.requests()
              + " request(s) but "
              + wire.requests()
              + " ran on the calling thread: it must run inline");
    }
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
      IAuthenticationResult result, MsalHttpBridge.@Nullable Lifetime lifetime, String scope) {
    String token = result.accessToken();
    if (token == null || token.isEmpty()) {
      throw new CredentialUnavailableException(
          Reason.MALFORMED_RESPONSE,
          "Entra ID answered the token request for " + scope + " without an access token");
    }
    if (lifetime == null) {
      throw new CredentialUnavailableException(
          Reason.MALFORMED_RESPONSE,
          "the token response for " + scope + " could not be read back for its lifetime");
    }
    OptionalLong expiresIn = lifetime.expiresIn();
    if (expiresIn.isEmpty() || expiresIn.getAsLong() < 0) {
      throw new CredentialUnavailableException(
          Reason.MALFORMED_RESPONSE,
          "Entra ID answered the token request for " + scope + " without a valid expires_in");
    }
    OptionalLong refreshIn = lifetime.refreshIn();
    return new Issued(
        Secret.of(token),
        Duration.ofSeconds(expiresIn.getAsLong()),
        refreshIn.isPresent() && refreshIn.getAsLong() > 0
            ? Duration.ofSeconds(refreshIn.getAsLong())
            : null);
  }
}
