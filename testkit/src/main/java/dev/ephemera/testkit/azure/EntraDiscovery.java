package dev.ephemera.testkit.azure;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import dev.ephemera.testkit.emulator.EmulatedRequest;
import dev.ephemera.testkit.emulator.EmulatedResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What MSAL may fetch before the token endpoint (PROTOCOLS.md §3.4): {@code GET
 * /{tenant}/v2.0/.well-known/openid-configuration}, {@code GET /common/discovery/instance} and the
 * signing keys at {@code GET /{tenant}/discovery/v2.0/keys}. Thread-safe.
 */
final class EntraDiscovery {
  private final EntraDirectory directory;
  private final EntraReplies replies;
  private final RSAKey signingKey;
  private volatile String authorityBase = "";

  EntraDiscovery(EntraDirectory directory, EntraReplies replies, RSAKey signingKey) {
    this.directory = directory;
    this.replies = replies;
    this.signingKey = signingKey;
  }

  /** Set once the server is bound: {@code https://127.0.0.1:PORT}. */
  void authorityBase(String base) {
    this.authorityBase = base;
  }

  EmulatedResponse openIdConfiguration(String tenant, EmulatedRequest request) {
    if (!directory.knows(tenant)) {
      return replies.unknownTenant(tenant, request);
    }
    String base = authorityBase + "/" + tenant;
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("token_endpoint", base + "/oauth2/v2.0/token");
    doc.put(
        "token_endpoint_auth_methods_supported",
        List.of("client_secret_post", "private_key_jwt", "client_secret_basic"));
    doc.put("jwks_uri", base + "/discovery/v2.0/keys");
    doc.put("response_modes_supported", List.of("query", "fragment", "form_post"));
    doc.put("subject_types_supported", List.of("pairwise"));
    doc.put("id_token_signing_alg_values_supported", List.of("RS256"));
    doc.put("response_types_supported", List.of("code", "id_token", "code id_token"));
    doc.put("scopes_supported", List.of("openid", "profile", "email", "offline_access"));
    doc.put("issuer", "https://login.microsoftonline.com/" + directory.tenantId() + "/v2.0");
    doc.put("authorization_endpoint", base + "/oauth2/v2.0/authorize");
    doc.put("tenant_region_scope", "WW");
    return EmulatedResponse.json(200, JSONObjectUtils.toJSONString(doc));
  }

  /** Instance discovery, naming this host as the only alias. */
  EmulatedResponse instanceDiscovery() {
    String base = authorityBase;
    String host = base.replaceFirst("^https://", "");
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("preferred_network", host);
    entry.put("preferred_cache", host);
    entry.put("aliases", List.of(host));
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put(
        "tenant_discovery_endpoint",
        base + "/" + directory.tenantId() + "/v2.0/.well-known/openid-configuration");
    doc.put("api-version", "1.1");
    doc.put("metadata", List.of(entry));
    return EmulatedResponse.json(200, JSONObjectUtils.toJSONString(doc));
  }

  /** The public half of the access-token signing key. */
  EmulatedResponse keys() {
    return EmulatedResponse.json(200, new JWKSet(signingKey.toPublicJWK()).toString());
  }
}
