package dev.ephemera.testkit.azure;

import dev.ephemera.testkit.emulator.EmulatedRequest;
import dev.ephemera.testkit.emulator.EmulatedResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * {@code POST /{tenant}/oauth2/v2.0/token} for the client-credentials grant (PROTOCOLS.md §3.2,
 * §3.3, and §7 for MSAL's extra scopes): checks the tenant, grant type, client id, the assertion
 * (through {@link EntraAssertions}) and the scope, in Entra's order, then issues through {@link
 * EntraAccessTokens}. Thread-safe.
 */
final class EntraTokenEndpoint {
  private static final Set<String> OIDC_SCOPES = Set.of("openid", "profile", "offline_access");

  private final EntraDirectory directory;
  private final EntraAssertions assertions;
  private final EntraAccessTokens tokens;
  private final EntraReplies replies;
  private final Duration lifetime;
  private final @Nullable Duration refreshIn;

  EntraTokenEndpoint(
      EntraDirectory directory,
      EntraAssertions assertions,
      EntraAccessTokens tokens,
      EntraReplies replies,
      Duration lifetime,
      @Nullable Duration refreshIn) {
    this.directory = directory;
    this.assertions = assertions;
    this.tokens = tokens;
    this.replies = replies;
    this.lifetime = lifetime;
    this.refreshIn = refreshIn;
  }

  EmulatedResponse token(String tenant, EmulatedRequest request) {
    if (!directory.knows(tenant)) {
      return replies.unknownTenant(tenant, request);
    }
    Map<String, String> form = request.form();
    String grant = form.get("grant_type");
    if (grant == null || grant.isEmpty()) {
      return replies.missingParameter("grant_type", request);
    }
    if (!grant.equals("client_credentials")) {
      return replies.aadsts(
          400,
          "unsupported_grant_type",
          70003,
          "The app requested an unsupported grant type '" + grant + "'.",
          request);
    }
    String clientId = form.get("client_id");
    if (clientId == null || clientId.isEmpty()) {
      return replies.missingParameter("client_id", request);
    }
    List<FederatedCredential> credentials = directory.credentials(clientId);
    if (credentials == null) {
      return replies.aadsts(
          400,
          "unauthorized_client",
          700016,
          "Application with identifier '"
              + clientId
              + "' was not found in the directory '"
              + tenant
              + "'. This can happen if the application has not been installed by the"
              + " administrator of the tenant or consented to by any user in the tenant. You may"
              + " have sent your authentication request to the wrong tenant.",
          request);
    }
    EntraAssertions.Verdict verdict = assertions.validate(credentials, form, request);
    EmulatedResponse refusal = verdict.refusal();
    if (refusal != null) {
      return refusal;
    }
    String scope = form.getOrDefault("scope", "").strip();
    if (scope.isEmpty()) {
      return replies.aadsts(
          400,
          "invalid_scope",
          70011,
          "The provided request must include a 'scope' input parameter.",
          request);
    }
    // MSAL adds the OIDC scopes to every request; Entra ignores them for client credentials
    List<String> scopes =
        Arrays.stream(scope.split("\\s+")).filter(s -> !OIDC_SCOPES.contains(s)).toList();
    if (scopes.size() != 1 || !scopes.get(0).endsWith("/.default")) {
      return replies.aadsts(
          400,
          "invalid_scope",
          1002012,
          "The provided value for scope "
              + scope
              + " is not valid. Client credential flows must have a scope value with /.default"
              + " suffixed to the resource identifier (application ID URI).",
          request);
    }
    return tokens.issue(clientId, verdict.subject(), scopes.get(0), lifetime, refreshIn, request);
  }
}
