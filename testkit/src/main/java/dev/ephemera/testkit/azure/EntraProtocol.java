package dev.ephemera.testkit.azure;

import com.nimbusds.jose.jwk.RSAKey;
import dev.ephemera.testkit.emulator.EmulatedProtocol;
import dev.ephemera.testkit.emulator.EmulatedRequest;
import dev.ephemera.testkit.emulator.EmulatedResponse;
import dev.ephemera.testkit.oidc.OidcIssuer;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Entra ID's v2.0 token endpoint (client credentials with a federated assertion) and discovery
 * (PROTOCOLS.md §3): routes each request to {@link EntraTokenEndpoint} or {@link EntraDiscovery},
 * keeps the {@link EntraDirectory}, and shapes the shared faults as Entra would. Thread-safe.
 */
final class EntraProtocol implements EmulatedProtocol {
  private final EntraDirectory directory;
  private final EntraReplies replies;
  private final EntraAccessTokens tokens;
  private final EntraTokenEndpoint tokenEndpoint;
  private final EntraDiscovery discovery;

  EntraProtocol(
      OidcIssuer trusted,
      Clock clock,
      String tenantId,
      Duration lifetime,
      @Nullable Duration refreshIn,
      RSAKey signingKey) {
    this.directory = new EntraDirectory(tenantId);
    this.replies = new EntraReplies(clock);
    this.tokens = new EntraAccessTokens(directory, clock, signingKey);
    this.tokenEndpoint =
        new EntraTokenEndpoint(
            directory, new EntraAssertions(trusted, replies), tokens, replies, lifetime, refreshIn);
    this.discovery = new EntraDiscovery(directory, replies, signingKey);
  }

  /** Set once the server is bound: {@code https://127.0.0.1:PORT}. */
  void authorityBase(String base) {
    discovery.authorityBase(base);
  }

  void register(String clientId, List<FederatedCredential> credentials) {
    directory.register(clientId, credentials);
  }

  void clearFederatedCredentials(String clientId) {
    directory.clearFederatedCredentials(clientId);
  }

  void unregister(String clientId) {
    directory.unregister(clientId);
  }

  List<IssuedToken> issued() {
    return tokens.issued();
  }

  String stsIssuer() {
    return directory.stsIssuer();
  }

  // ------------------------------------------------------------------ routing

  @Override
  public EmulatedResponse handle(EmulatedRequest request) {
    List<String> path = request.pathSegments();
    if (request.method().equals("POST")
        && path.size() == 4
        && path.get(1).equals("oauth2")
        && path.get(2).equals("v2.0")
        && path.get(3).equals("token")) {
      return tokenEndpoint.token(path.get(0), request);
    }
    if (request.method().equals("GET")
        && path.size() == 4
        && path.get(1).equals("v2.0")
        && path.get(2).equals(".well-known")
        && path.get(3).equals("openid-configuration")) {
      return discovery.openIdConfiguration(path.get(0), request);
    }
    if (request.method().equals("GET")
        && path.size() == 3
        && path.get(0).equals("common")
        && path.get(1).equals("discovery")
        && path.get(2).equals("instance")) {
      return discovery.instanceDiscovery();
    }
    if (request.method().equals("GET")
        && path.size() == 4
        && path.get(1).equals("discovery")
        && path.get(2).equals("v2.0")
        && path.get(3).equals("keys")) {
      return discovery.keys();
    }
    return EmulatedResponse.json(404, "{\"error\":\"not_found\"}");
  }

  // ------------------------------------------------------------------ faults

  @Override
  public EmulatedResponse error(int status, EmulatedRequest request) {
    if (status >= 500) {
      return status == 500
          ? replies.aadsts(
              500,
              "server_error",
              50000,
              "There was an error issuing a token or an issue with our sign-in service.",
              request)
          : replies.aadsts(
              status,
              "temporarily_unavailable",
              90006,
              "The service is temporarily unavailable. Please retry.",
              request);
    }
    return switch (status) {
      case 401 ->
          replies.aadsts(
              401,
              "invalid_client",
              7000218,
              "The request body must contain the following parameter: 'client_assertion' or"
                  + " 'client_secret'.",
              request);
      case 403 ->
          replies.aadsts(
              403,
              "unauthorized_client",
              700016,
              "Application was not found in the directory '" + directory.tenantId() + "'.",
              request);
      default ->
          replies.aadsts(
              status,
              "invalid_request",
              900144,
              "The request body must contain the following parameter: 'grant_type'.",
              request);
    };
  }

  @Override
  public EmulatedResponse throttled(Duration retryAfter, EmulatedRequest request) {
    return replies
        .aadsts(
            429,
            "temporarily_unavailable",
            90055,
            "There are too many incoming requests. Please try again later.",
            request)
        .withHeader("Retry-After", Long.toString(Math.max(0, retryAfter.toSeconds())));
  }

  @Override
  public EmulatedResponse expiredCredential(EmulatedRequest request) {
    Map<String, String> form = request.form();
    String scope =
        Arrays.stream(form.getOrDefault("scope", "").split("\\s+"))
            .filter(s -> s.endsWith("/.default"))
            .findFirst()
            .orElse("https://management.azure.com/.default");
    return tokens.issue(
        form.getOrDefault("client_id", "unknown"), "", scope, Duration.ZERO, null, request);
  }
}
