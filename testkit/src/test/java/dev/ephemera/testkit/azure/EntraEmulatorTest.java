package dev.ephemera.testkit.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.SignedJWT;
import dev.ephemera.testkit.emulator.EmulatedRequest;
import dev.ephemera.testkit.emulator.Fault;
import dev.ephemera.testkit.emulator.LoopbackTls;
import dev.ephemera.testkit.oidc.OidcIssuer;
import dev.ephemera.testkit.oidc.ServiceAccount;
import dev.ephemera.testkit.time.VirtualTime;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EntraEmulatorTest {
  private static final String CLIENT = "11111111-2222-3333-4444-555555555555";
  private static final ServiceAccount ACCOUNT = ServiceAccount.of("shop", "cart");

  private final HttpClient http =
      HttpClient.newBuilder()
          .sslContext(LoopbackTls.sslContext())
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private VirtualTime time;
  private OidcIssuer oidc;
  private EntraEmulator entra;

  @BeforeEach
  void start() {
    time = VirtualTime.create();
    oidc = OidcIssuer.start(time.clock());
    entra =
        EntraEmulator.builder(oidc)
            .clock(time.clock())
            .tokenLifetime(Duration.ofMinutes(75))
            .refreshIn(Duration.ofMinutes(30))
            .start();
    entra.register(CLIENT, FederatedCredential.of(oidc.issuerUrl(), ACCOUNT.subject()));
  }

  @AfterEach
  void stop() {
    entra.close();
    oidc.close();
  }

  private String assertion() {
    return oidc.mint(ACCOUNT, FederatedCredential.TOKEN_EXCHANGE_AUDIENCE, Duration.ofHours(1));
  }

  private HttpResponse<String> token(Map<String, String> form) throws Exception {
    return token(entra.tenantId(), form);
  }

  private HttpResponse<String> token(String tenant, Map<String, String> form) throws Exception {
    String body =
        form.entrySet().stream()
            .map(
                e ->
                    URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                        + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    return http.send(
        HttpRequest.newBuilder(URI.create(entra.authorityHost() + tenant + "/oauth2/v2.0/token"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("client-request-id", "c0ffee00-0000-4000-8000-000000000001")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private Map<String, String> form(String assertion, String scope) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("client_id", CLIENT);
    form.put("grant_type", "client_credentials");
    form.put("scope", scope);
    form.put("client_assertion_type", EntraAssertions.JWT_BEARER);
    form.put("client_assertion", assertion);
    return form;
  }

  private static Map<String, Object> json(HttpResponse<String> response) throws Exception {
    return JSONObjectUtils.parse(response.body());
  }

  @Test
  void token_withMatchingFederatedAssertion_issuesV1AccessTokenForTheScopesResource()
      throws Exception {
    var response = token(form(assertion(), "https://storage.azure.com/.default openid profile"));

    assertThat(response.statusCode()).isEqualTo(200);
    Map<String, Object> body = json(response);
    assertThat(body)
        .containsEntry("token_type", "Bearer")
        .containsEntry("expires_in", 4500L)
        .containsEntry("ext_expires_in", 4500L)
        .containsEntry("refresh_in", 1800L);
    SignedJWT token = SignedJWT.parse((String) body.get("access_token"));
    var claims = token.getJWTClaimsSet();
    assertThat(claims.getAudience()).containsExactly("https://storage.azure.com");
    assertThat(claims.getIssuer()).isEqualTo("https://sts.windows.net/" + entra.tenantId() + "/");
    assertThat(claims.getIssueTime().toInstant()).isEqualTo(time.now().minusSeconds(300));
    assertThat(claims.getNotBeforeTime().toInstant()).isEqualTo(time.now().minusSeconds(300));
    assertThat(claims.getExpirationTime().toInstant()).isEqualTo(time.now().plusSeconds(4500));
    assertThat(claims.getStringClaim("appid")).isEqualTo(CLIENT);
    assertThat(claims.getStringClaim("tid")).isEqualTo(entra.tenantId());
    assertThat(claims.getStringClaim("ver")).isEqualTo("1.0");
    assertThat(claims.getStringClaim("uti")).isEqualTo(entra.issued().get(0).uti());
    assertThat(entra.issued())
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.clientId()).isEqualTo(CLIENT);
              assertThat(t.subject()).isEqualTo(ACCOUNT.subject());
              assertThat(t.audience()).isEqualTo("https://storage.azure.com");
              assertThat(t.expiresAt()).isEqualTo(time.now().plusSeconds(4500));
            });
  }

  @Test
  void accessTokens_areSignedByTheKeysAtTheDiscoveryDocumentsJwksUri() throws Exception {
    var response = token(form(assertion(), "https://vault.azure.net/.default"));
    SignedJWT token = SignedJWT.parse((String) json(response).get("access_token"));

    Map<String, Object> discovery =
        JSONObjectUtils.parse(
            get(entra.authorityHost() + entra.tenantId() + "/v2.0/.well-known/openid-configuration")
                .body());
    assertThat(discovery.get("token_endpoint")).isEqualTo(entra.tokenEndpoint().toString());
    JWKSet keys = JWKSet.parse(get(String.valueOf(discovery.get("jwks_uri"))).body());
    RSAKey key = (RSAKey) keys.getKeyByKeyId(token.getHeader().getKeyID());
    assertThat(token.verify(new RSASSAVerifier(key))).isTrue();
    assertThat(JWSObject.parse(token.serialize()).getHeader().getAlgorithm().getName())
        .isEqualTo("RS256");
  }

  @Test
  void instanceDiscovery_namesThisHostAsTheOnlyAlias() throws Exception {
    var response =
        get(
            entra.authorityHost()
                + "common/discovery/instance?api-version=1.1&authorization_endpoint="
                + entra.authorityHost()
                + entra.tenantId()
                + "/oauth2/v2.0/authorize");
    Map<String, Object> body = JSONObjectUtils.parse(response.body());
    assertThat(body).containsKey("tenant_discovery_endpoint");
    assertThat(String.valueOf(body.get("metadata"))).contains("127.0.0.1:" + entra.port());
  }

  @Test
  void expiredAssertion_isAadsts700024_invalidClient401() throws Exception {
    String stale = assertion();
    time.advance(Duration.ofHours(2));

    var response = token(form(stale, "https://storage.azure.com/.default"));

    assertThat(response.statusCode()).isEqualTo(401);
    Map<String, Object> body = json(response);
    assertThat(body)
        .containsEntry("error", "invalid_client")
        .containsEntry("error_codes", List.of(700024L))
        .containsEntry("correlation_id", "c0ffee00-0000-4000-8000-000000000001")
        .containsKeys("timestamp", "trace_id", "error_uri");
    assertThat((String) body.get("error_description"))
        .startsWith("AADSTS700024: Client assertion is not within its valid time range.")
        .contains("\r\nTrace ID: ", "\r\nCorrelation ID: ", "\r\nTimestamp: ");
  }

  @Test
  void subjectWithoutFederatedRecord_isAadsts70021() throws Exception {
    String other =
        oidc.mint(
            ServiceAccount.of("shop", "intruder"),
            "api://AzureADTokenExchange",
            Duration.ofHours(1));

    var response = token(form(other, "https://storage.azure.com/.default"));

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(json(response)).containsEntry("error_codes", List.of(70021L));
    assertThat((String) json(response).get("error_description"))
        .contains("Assertion Subject: 'system:serviceaccount:shop:intruder'");
  }

  @Test
  void wrongAudience_isAadsts70021_andUnknownIssuer_isAadsts700211() throws Exception {
    String wrongAudience = oidc.mint(ACCOUNT, "sts.amazonaws.com", Duration.ofHours(1));
    assertThat(json(token(form(wrongAudience, "https://storage.azure.com/.default"))))
        .containsEntry("error_codes", List.of(70021L));

    entra.clearFederatedCredentials(CLIENT);
    entra.register(CLIENT, FederatedCredential.of("https://elsewhere.example", ACCOUNT.subject()));
    assertThat(json(token(form(assertion(), "https://storage.azure.com/.default"))))
        .containsEntry("error_codes", List.of(700211L));
  }

  @Test
  void unknownClient_isAadsts700016_andUnknownTenant_isAadsts90002() throws Exception {
    entra.unregister(CLIENT);
    var unknownApp = token(form(assertion(), "https://storage.azure.com/.default"));
    assertThat(unknownApp.statusCode()).isEqualTo(400);
    assertThat(json(unknownApp))
        .containsEntry("error", "unauthorized_client")
        .containsEntry("error_codes", List.of(700016L));

    var unknownTenant = token("contoso.example", form(assertion(), "https://x/.default"));
    assertThat(unknownTenant.statusCode()).isEqualTo(400);
    assertThat(json(unknownTenant))
        .containsEntry("error", "invalid_request")
        .containsEntry("error_codes", List.of(90002L));
  }

  @Test
  void scopeWithoutDefaultSuffix_orForTwoResources_isInvalidScope() throws Exception {
    assertThat(json(token(form(assertion(), "https://storage.azure.com/user_impersonation"))))
        .containsEntry("error", "invalid_scope");
    assertThat(
            json(
                token(
                    form(
                        assertion(),
                        "https://storage.azure.com/.default https://vault.azure.net/.default"))))
        .containsEntry("error", "invalid_scope");
  }

  @Test
  void faults_renderInEntrasEnvelope() throws Exception {
    entra.faults().next(Fault.throttle(Duration.ofSeconds(7))).next(Fault.status(503));

    var throttled = token(form(assertion(), "https://storage.azure.com/.default"));
    assertThat(throttled.statusCode()).isEqualTo(429);
    assertThat(throttled.headers().firstValue("Retry-After")).contains("7");
    assertThat(json(throttled)).containsEntry("error", "temporarily_unavailable");

    var unavailable = token(form(assertion(), "https://storage.azure.com/.default"));
    assertThat(unavailable.statusCode()).isEqualTo(503);
    assertThat((String) json(unavailable).get("error_description")).startsWith("AADSTS90006:");
    assertThat(entra.tokenRequests()).isEqualTo(2);
    assertThat(entra.issued()).isEmpty();
  }

  @Test
  void expiredCredentialFault_isASuccessWhoseTokenAlreadyExpired() throws Exception {
    entra.faults().next(Fault.expiredCredential());

    var response = token(form(assertion(), "https://storage.azure.com/.default"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json(response)).containsEntry("expires_in", 0L);
    assertThat(entra.issued().get(0).expiresAt()).isEqualTo(time.now());
  }

  @Test
  void tokenRequestsPredicate_matchesOnlyTheTokenEndpoint() {
    assertThat(
            EntraEmulator.TOKEN_REQUESTS.test(
                new EmulatedRequest("POST", "/t/oauth2/v2.0/token", Map.of(), Map.of(), "")))
        .isTrue();
    assertThat(
            EntraEmulator.TOKEN_REQUESTS.test(
                new EmulatedRequest("GET", "/common/discovery/instance", Map.of(), Map.of(), "")))
        .isFalse();
  }

  @Test
  void federatedCredential_rejectsBlankParts_andDefaultsTheExchangeAudience() {
    assertThat(FederatedCredential.of("https://i", "s").audience())
        .isEqualTo("api://AzureADTokenExchange");
    assertThatThrownBy(() -> new FederatedCredential("https://i", " ", "a"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void issuedToken_recordsTimesOnTheEmulatorsClock() throws Exception {
    time.advance(Duration.ofMinutes(3));
    token(form(assertion(), "https://storage.azure.com/.default"));
    Instant now = time.now();
    assertThat(entra.issued().get(0).issuedAt()).isEqualTo(now);
    assertThat(entra.issued().get(0).scope()).isEqualTo("https://storage.azure.com/.default");
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
