package dev.ephemera.testkit.vault;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ephemera.testkit.oidc.OidcIssuer;
import dev.ephemera.testkit.oidc.ServiceAccount;
import dev.ephemera.testkit.time.VirtualTime;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Vault emulator over plain HTTP: logins, TTL accounting, leases, KV, wrapping, sealing. */
class VaultEmulatorTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ServiceAccount SA = ServiceAccount.of("payments", "api");

  private final HttpClient http = HttpClient.newHttpClient();
  private VirtualTime time;
  private OidcIssuer oidc;
  private VaultEmulator vault;

  @BeforeEach
  void start() {
    time = VirtualTime.create();
    oidc = OidcIssuer.start(time.clock());
    vault = VaultEmulator.builder(time.clock()).oidc(oidc).start();
    vault.kubernetesRole(
        VaultRole.builder("app")
            .boundServiceAccount(SA)
            .ttl(Duration.ofHours(1))
            .maxTtl(Duration.ofHours(4))
            .policies("db")
            .build());
    vault.dynamicSecret("database/creds/app", Duration.ofHours(1), Duration.ofMinutes(90), true);
  }

  @AfterEach
  void stop() {
    vault.close();
    oidc.close();
  }

  private record Answer(int status, JsonNode body) {}

  private Answer call(String method, String path, String token, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(vault.address() + path))
            .method(
                method,
                body.isEmpty()
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (!token.isEmpty()) {
      b.header("X-Vault-Token", token);
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(
        r.statusCode(), r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body()));
  }

  private String login() throws Exception {
    Answer a = call("POST", "/v1/auth/kubernetes/login", "", loginBody("app", jwt(SA)));
    assertThat(a.status()).isEqualTo(200);
    return a.body().path("auth").path("client_token").asText();
  }

  private String jwt(ServiceAccount sa) {
    return oidc.mint(sa, "vault", Duration.ofHours(1));
  }

  private static String loginBody(String role, String jwt) {
    return "{\"role\":\"" + role + "\",\"jwt\":\"" + jwt + "\"}";
  }

  private static String errors(Answer a) {
    return a.body().path("errors").toString();
  }

  @Test
  void kubernetesLogin_verifiesTheJwtAndTheRoleBinding() throws Exception {
    Answer ok = call("POST", "/v1/auth/kubernetes/login", "", loginBody("app", jwt(SA)));
    JsonNode auth = ok.body().path("auth");
    assertThat(auth.path("lease_duration").asLong()).isEqualTo(3600);
    assertThat(auth.path("renewable").asBoolean()).isTrue();
    assertThat(auth.path("policies").toString()).contains("default", "db");
    assertThat(auth.path("metadata").path("service_account_namespace").asText())
        .isEqualTo("payments");

    Answer wrongName =
        call(
            "POST",
            "/v1/auth/kubernetes/login",
            "",
            loginBody("app", jwt(ServiceAccount.of("payments", "x"))));
    assertThat(wrongName.status()).isEqualTo(403);
    assertThat(errors(wrongName)).contains("service account name not authorized");
    Answer wrongNs =
        call(
            "POST",
            "/v1/auth/kubernetes/login",
            "",
            loginBody("app", jwt(ServiceAccount.of("other", "api"))));
    assertThat(errors(wrongNs)).contains("namespace not authorized");
    Answer garbage = call("POST", "/v1/auth/kubernetes/login", "", loginBody("app", "not.a.jwt"));
    assertThat(garbage.status()).isEqualTo(403);
    Answer badRole = call("POST", "/v1/auth/kubernetes/login", "", loginBody("nope", jwt(SA)));
    assertThat(badRole.status()).isEqualTo(400);
    assertThat(errors(badRole)).contains("invalid role name \\\"nope\\\"");
    Answer noJwt = call("POST", "/v1/auth/kubernetes/login", "", "{\"role\":\"app\"}");
    assertThat(errors(noJwt)).contains("missing jwt");
    Answer noMount = call("POST", "/v1/auth/k8s/login", "", loginBody("app", jwt(SA)));
    assertThat(noMount.status()).isEqualTo(404);
    assertThat(vault.tokens()).hasSize(1);
  }

  @Test
  void renewSelf_isCappedWithVaultsWarning_thenRefusedPastTheMaxTtl() throws Exception {
    String token = login();
    for (int i = 0; i < 3; i++) {
      time.advance(Duration.ofMinutes(50));
      assertThat(call("POST", "/v1/auth/token/renew-self", token, "").status()).isEqualTo(200);
    }
    time.advance(Duration.ofMinutes(50)); // 40 min of the 4 h max TTL left
    Answer capped = call("POST", "/v1/auth/token/renew-self", token, "{\"increment\":\"1h\"}");
    assertThat(capped.body().path("auth").path("lease_duration").asLong()).isEqualTo(2400);
    assertThat(capped.body().path("warnings").get(0).asText())
        .isEqualTo(
            "TTL of \"1h\" exceeded the effective max_ttl of \"40m\"; TTL value is capped accordingly");

    time.advance(Duration.ofMillis(2_399_500)); // half a second left
    Answer refused = call("POST", "/v1/auth/token/renew-self", token, "");
    assertThat(refused.status()).isEqualTo(400);
    assertThat(errors(refused)).contains("past the max TTL, cannot renew");
    time.advance(Duration.ofSeconds(1));
    assertThat(call("POST", "/v1/auth/token/renew-self", token, "").status()).isEqualTo(403);
    assertThat(vault.tokens().get(0).ending()).isEqualTo(Ending.EXPIRED);
    assertThat(vault.tokens().get(0).renewals()).isEqualTo(4);
  }

  @Test
  void lookupSelf_describesTheToken() throws Exception {
    Answer login = call("POST", "/v1/auth/kubernetes/login", "", loginBody("app", jwt(SA)));
    String token = login.body().path("auth").path("client_token").asText();
    time.advance(Duration.ofMinutes(10));
    JsonNode data = call("GET", "/v1/auth/token/lookup-self", token, "").body().path("data");
    assertThat(data.path("entity_id").asText())
        .isEqualTo(login.body().path("auth").path("entity_id").asText());
    assertThat(data.path("ttl").asLong()).isEqualTo(3000);
    assertThat(data.path("expire_time").asText()).isEqualTo("2026-01-01T01:00:00Z");
    assertThat(data.path("accessor").asText()).isEqualTo(vault.accessorOf(token).orElseThrow());
    assertThat(data.path("path").asText()).isEqualTo("auth/kubernetes/login");
  }

  @Test
  void revokeSelf_revokesTheTokenAndItsLeases() throws Exception {
    String token = login();
    Answer secret = call("GET", "/v1/database/creds/app", token, "");
    assertThat(secret.body().path("lease_duration").asLong()).isEqualTo(3600);
    assertThat(secret.body().path("data").path("password").asText()).isNotEmpty();
    String leaseId = secret.body().path("lease_id").asText();

    assertThat(call("POST", "/v1/auth/token/revoke-self", token, "").status()).isEqualTo(204);

    assertThat(vault.tokens().get(0).ending()).isEqualTo(Ending.REVOKED);
    assertThat(vault.lease(leaseId).orElseThrow().ending()).isEqualTo(Ending.REVOKED_WITH_TOKEN);
    assertThat(call("GET", "/v1/auth/token/lookup-self", token, "").status()).isEqualTo(403);
  }

  @Test
  void leases_renewCapExpireAndRevoke() throws Exception {
    String token = login();
    String leaseId =
        call("GET", "/v1/database/creds/app", token, "").body().path("lease_id").asText();
    time.advance(Duration.ofMinutes(50));
    Answer capped =
        call(
            "PUT",
            "/v1/sys/leases/renew",
            token,
            "{\"lease_id\":\"" + leaseId + "\",\"increment\":3600}");
    assertThat(capped.body().path("lease_duration").asLong()).isEqualTo(2400);
    assertThat(capped.body().path("warnings").get(0).asText()).contains("capped accordingly");
    assertThat(call("POST", "/v1/auth/token/renew-self", token, "").status()).isEqualTo(200);
    time.advance(Duration.ofMinutes(41));
    Answer expired =
        call("PUT", "/v1/sys/leases/renew", token, "{\"lease_id\":\"" + leaseId + "\"}");
    assertThat(errors(expired)).contains("lease expired");
    assertThat(vault.lease(leaseId).orElseThrow().ending()).isEqualTo(Ending.EXPIRED);

    String second =
        call("GET", "/v1/database/creds/app", token, "").body().path("lease_id").asText();
    assertThat(
            call("PUT", "/v1/sys/leases/revoke", token, "{\"lease_id\":\"" + second + "\"}")
                .status())
        .isEqualTo(204);
    assertThat(vault.lease(second).orElseThrow().ending()).isEqualTo(Ending.REVOKED);
    Answer gone = call("PUT", "/v1/sys/leases/renew", token, "{\"lease_id\":\"" + second + "\"}");
    assertThat(errors(gone)).contains("lease not found or lease is not renewable");
    assertThat(call("GET", "/v1/database/creds/app", "hvs.nope", "").status()).isEqualTo(403);
  }

  @Test
  void kvV2_servesVersions_and404sForMissingOrDeleted() throws Exception {
    String token = login();
    vault.putKv("secret", "app/api", Map.of("key", "one"));
    vault.putKv("secret", "app/api", Map.of("key", "two"));
    JsonNode latest = call("GET", "/v1/secret/data/app/api", token, "").body().path("data");
    assertThat(latest.path("data").path("key").asText()).isEqualTo("two");
    assertThat(latest.path("metadata").path("version").asInt()).isEqualTo(2);
    assertThat(
            call("GET", "/v1/secret/data/app/api?version=1", token, "")
                .body()
                .path("data")
                .path("data")
                .path("key")
                .asText())
        .isEqualTo("one");
    assertThat(call("GET", "/v1/secret/data/app/none", token, "").status()).isEqualTo(404);
    vault.deleteKv("secret", "app/api");
    Answer deleted = call("GET", "/v1/secret/data/app/api", token, "");
    assertThat(deleted.status()).isEqualTo(404);
    assertThat(deleted.body().path("data").path("metadata").path("deletion_time").asText())
        .isNotEmpty();
  }

  @Test
  void appRole_plainAndWrappedSecretIds_andSealing() throws Exception {
    AppRoleCredentials app = vault.appRole(VaultRole.builder("batch").build());
    String body = "{\"role_id\":\"" + app.roleId() + "\",\"secret_id\":\"" + app.secretId() + "\"}";
    assertThat(call("POST", "/v1/auth/approle/login", "", body).status()).isEqualTo(200);
    assertThat(
            errors(
                call(
                    "POST",
                    "/v1/auth/approle/login",
                    "",
                    "{\"role_id\":\"" + app.roleId() + "\",\"secret_id\":\"x\"}")))
        .contains("invalid role or secret ID");
    assertThat(app.toString()).doesNotContain(app.secretId());

    String wrapping = vault.wrapSecretId("batch", Duration.ofMinutes(5));
    Answer unwrapped = call("POST", "/v1/sys/wrapping/unwrap", wrapping, "");
    assertThat(unwrapped.body().path("data").path("secret_id").asText()).isNotEmpty();
    assertThat(errors(call("POST", "/v1/sys/wrapping/unwrap", wrapping, "")))
        .contains("wrapping token is not valid or does not exist");

    vault.seal();
    Answer sealed = call("POST", "/v1/auth/approle/login", "", body);
    assertThat(sealed.status()).isEqualTo(503);
    assertThat(errors(sealed)).contains("Vault is sealed");
    vault.unseal();
    assertThat(call("POST", "/v1/auth/approle/login", "", body).status()).isEqualTo(200);
  }

  @Test
  void namespace_mustBeNamed_inTheHeaderOrThePath() throws Exception {
    try (VaultEmulator ns =
        VaultEmulator.builder(time.clock()).oidc(oidc).namespace("team-a/").start()) {
      ns.kubernetesRole(VaultRole.builder("app").boundServiceAccount(SA).build());
      HttpResponse<String> without =
          http.send(
              HttpRequest.newBuilder(URI.create(ns.address() + "/v1/auth/kubernetes/login"))
                  .POST(HttpRequest.BodyPublishers.ofString(loginBody("app", jwt(SA))))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(without.statusCode()).isEqualTo(404);
      HttpResponse<String> header =
          http.send(
              HttpRequest.newBuilder(URI.create(ns.address() + "/v1/auth/kubernetes/login"))
                  .header("X-Vault-Namespace", "team-a")
                  .POST(HttpRequest.BodyPublishers.ofString(loginBody("app", jwt(SA))))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(header.statusCode()).isEqualTo(200);
      HttpResponse<String> path =
          http.send(
              HttpRequest.newBuilder(URI.create(ns.address() + "/v1/team-a/auth/kubernetes/login"))
                  .POST(HttpRequest.BodyPublishers.ofString(loginBody("app", jwt(SA))))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(path.statusCode()).isEqualTo(200);
    }
  }

  @Test
  void humanDurations_dropZeroParts_likeVault() {
    assertThat(VaultTtl.humanDuration(3600)).isEqualTo("1h");
    assertThat(VaultTtl.humanDuration(602)).isEqualTo("10m2s");
    assertThat(VaultTtl.humanDuration(0)).isEqualTo("0s");
  }
}
