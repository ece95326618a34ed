package dev.ephemera.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ephemera.core.CredentialConfigurationException;
import dev.ephemera.core.CredentialUnavailableException;
import dev.ephemera.core.CredentialUnavailableException.Reason;
import dev.ephemera.core.Environment;
import dev.ephemera.testkit.RecordingAuditListener;
import dev.ephemera.testkit.emulator.LoopbackTls;
import dev.ephemera.testkit.oidc.OidcIssuer;
import dev.ephemera.testkit.oidc.TokenFile;
import dev.ephemera.testkit.time.VirtualTime;
import dev.ephemera.testkit.vault.AppRoleCredentials;
import dev.ephemera.testkit.vault.VaultEmulator;
import dev.ephemera.testkit.vault.VaultRole;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configuration from the environment and the builder, every login method, TLS and namespaces. */
class VaultCredentialsTest {
  private Path dir;
  private VirtualTime time;
  private OidcIssuer oidc;
  private VaultEmulator vault;
  private TokenFile jwt;
  private final RecordingAuditListener audit = new RecordingAuditListener();

  @BeforeEach
  void start(@TempDir Path tmp) {
    dir = tmp;
    time = VirtualTime.create();
    oidc = OidcIssuer.start(time.upstreamClock());
    vault =
        VaultEmulator.builder(time.upstreamClock())
            .oidc(oidc)
            .https(true)
            .namespace("team-a")
            .start();
    vault.kubernetesRole(VaultRole.builder(Testbed.ROLE).boundServiceAccount(Testbed.SA).build());
    vault.jwtRole(VaultRole.builder("ci").boundSubject(Testbed.SA.subject()).build());
    jwt = oidc.project(dir.resolve("jwt"), Testbed.SA, "vault", Duration.ofHours(24));
  }

  @AfterEach
  void stop() {
    vault.close();
    oidc.close();
  }

  private Path caFile() throws Exception {
    String pem =
        "-----BEGIN CERTIFICATE-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(LoopbackTls.certificate().getEncoded())
            + "\n-----END CERTIFICATE-----\n";
    return Files.writeString(dir.resolve("ca.pem"), pem);
  }

  private Map<String, String> env(String... pairs) throws Exception {
    Map<String, String> m = new HashMap<>();
    m.put("VAULT_ADDR", vault.address());
    m.put("VAULT_CACERT", caFile().toString());
    m.put("VAULT_NAMESPACE", "team-a");
    for (int i = 0; i < pairs.length; i += 2) {
      m.put(pairs[i], pairs[i + 1]);
    }
    return m;
  }

  private VaultCredentials build(Map<String, String> env) {
    return VaultCredentials.builder()
        .environment(Environment.of(env))
        .timebase(time)
        .auditListener(audit)
        .prefetch(false)
        .build();
  }

  @Test
  void fromEnvironment_kubernetes_overHttpsWithVaultCacert_inANamespace() throws Exception {
    try (VaultCredentials c =
        build(env("VAULT_ROLE", Testbed.ROLE, "VAULT_JWT_FILE", jwt.path().toString()))) {
      VaultToken token = c.tokens().get();
      assertThat(vault.accessorOf(token.token().reveal())).contains(token.id());
      assertThat(token.authPath()).isEqualTo("auth/kubernetes");
      assertThat(token.metadata()).containsEntry("service_account_name", "api");
      assertThat(vault.journal().entries())
          .allSatisfy(e -> assertThat(e.request().header("x-vault-namespace")).contains("team-a/"));
      assertThat(audit.events().get(0).target()).isEqualTo("team-a/auth/kubernetes/role/payments");
      assertThat(audit.events().get(0).principal()).isEqualTo(Testbed.SA.subject());
    }
  }

  @Test
  void https_withoutTheCa_failsTheHandshake_transiently() throws Exception {
    Map<String, String> e =
        env("VAULT_ROLE", Testbed.ROLE, "VAULT_JWT_FILE", jwt.path().toString());
    e.remove("VAULT_CACERT");
    try (VaultCredentials c = build(e)) {
      assertThatThrownBy(() -> c.tokens().get())
          .isInstanceOfSatisfying(
              CredentialUnavailableException.class,
              x -> assertThat(x.reason()).isEqualTo(Reason.UNAVAILABLE));
    }
  }

  @Test
  void kubernetesLogin_rereadsTheJwtFile_atEveryLogin() throws Exception {
    try (VaultCredentials c =
        build(env("VAULT_ROLE", Testbed.ROLE, "VAULT_JWT_FILE", jwt.path().toString()))) {
      c.tokens().get();
      String first = jwt.currentToken();
      time.advance(Duration.ofMinutes(1));
      jwt.rotate();
      c.tokens().refresh().join();
      assertThat(vault.journal().entries(x -> x.request().path().endsWith("/login")))
          .extracting(x -> x.request().body())
          .satisfiesExactly(
              b -> assertThat(b).contains(first), b -> assertThat(b).contains(jwt.currentToken()));
    }
  }

  @Test
  void missingJwtFile_isAConfigurationFailure_namingTheVariable() throws Exception {
    try (VaultCredentials c =
        build(env("VAULT_ROLE", Testbed.ROLE, "VAULT_JWT_FILE", dir.resolve("nope").toString()))) {
      assertThatThrownBy(() -> c.tokens().get())
          .isInstanceOfSatisfying(
              CredentialUnavailableException.class,
              x -> {
                assertThat(x.reason()).isEqualTo(Reason.CONFIGURATION);
                assertThat(x.getMessage()).contains("VAULT_JWT_FILE");
              });
    }
  }

  @Test
  void jwtLogin_withTheDefaultRole() throws Exception {
    try (VaultCredentials c =
        build(env("VAULT_AUTH_METHOD", "jwt", "VAULT_JWT_FILE", jwt.path().toString()))) {
      assertThat(c.tokens().get().authPath()).isEqualTo("auth/jwt");
      assertThat(vault.tokens())
          .singleElement()
          .satisfies(t -> assertThat(t.role()).isEqualTo("ci"));
    }
  }

  @Test
  void appRoleLogin_withASecretIdFile() throws Exception {
    AppRoleCredentials app = vault.appRole(VaultRole.builder("batch").build());
    Path secretId = Files.writeString(dir.resolve("secret-id"), app.secretId() + "\n");
    try (VaultCredentials c =
        build(
            env(
                "VAULT_AUTH_METHOD", "approle",
                "VAULT_ROLE_ID", app.roleId(),
                "VAULT_SECRET_ID_FILE", secretId.toString()))) {
      assertThat(c.tokens().get().authPath()).isEqualTo("auth/approle");
      assertThat(audit.events().get(0).principal()).startsWith("role_id sha256:");
      assertThat(audit.allJson()).doesNotContain(app.secretId()).doesNotContain(app.roleId());
    }
  }

  @Test
  void appRoleLogin_withAWrappedSecretId_unwrapsEachWrappingTokenOnce() throws Exception {
    AppRoleCredentials app = vault.appRole(VaultRole.builder("batch").build());
    Path wrapped =
        Files.writeString(
            dir.resolve("wrapped"), vault.wrapSecretId("batch", Duration.ofMinutes(5)));
    try (VaultCredentials c =
        build(
            env(
                "VAULT_AUTH_METHOD", "approle",
                "VAULT_ROLE_ID", app.roleId(),
                "VAULT_WRAPPED_SECRET_ID_FILE", wrapped.toString()))) {
      c.tokens().get();
      c.tokens().refresh().join(); // a second login: the secret id is still in memory
      assertThat(vault.journal().count("POST", "/v1/sys/wrapping/unwrap")).isEqualTo(1);
      Files.writeString(wrapped, vault.wrapSecretId("batch", Duration.ofMinutes(5)));
      c.tokens().refresh().join();
      assertThat(vault.journal().count("POST", "/v1/sys/wrapping/unwrap")).isEqualTo(2);
      assertThat(vault.journal().count("POST", "/v1/auth/approle/login")).isEqualTo(3);
    }
  }

  @Test
  void usedUpWrappingToken_isAConfigurationFailure() throws Exception {
    AppRoleCredentials app = vault.appRole(VaultRole.builder("batch").build());
    String token = vault.wrapSecretId("batch", Duration.ofMinutes(5));
    Path wrapped = Files.writeString(dir.resolve("wrapped"), token);
    Map<String, String> e =
        env(
            "VAULT_AUTH_METHOD", "approle",
            "VAULT_ROLE_ID", app.roleId(),
            "VAULT_WRAPPED_SECRET_ID_FILE", wrapped.toString());
    try (VaultCredentials first = build(e)) {
      first.tokens().get();
    }
    try (VaultCredentials second = build(e)) {
      assertThatThrownBy(() -> second.tokens().get())
          .isInstanceOfSatisfying(
              CredentialUnavailableException.class,
              x -> {
                assertThat(x.reason()).isEqualTo(Reason.CONFIGURATION);
                assertThat(x.getMessage())
                    .contains("wrapping token is not valid")
                    .doesNotContain(token);
              });
    }
  }

  @Test
  void badSettings_areNamed() throws Exception {
    assertThatThrownBy(() -> build(Map.of()))
        .isInstanceOfSatisfying(
            CredentialConfigurationException.class,
            x -> assertThat(x.setting()).isEqualTo("VAULT_ADDR"));
    assertThatThrownBy(() -> build(env()))
        .isInstanceOfSatisfying(
            CredentialConfigurationException.class,
            x -> assertThat(x.setting()).isEqualTo("VAULT_ROLE"));
    assertThatThrownBy(() -> build(env("VAULT_AUTH_METHOD", "ldap")))
        .isInstanceOfSatisfying(
            CredentialConfigurationException.class,
            x -> assertThat(x.setting()).isEqualTo("VAULT_AUTH_METHOD"));
    assertThatThrownBy(
            () ->
                build(
                    env(
                        "VAULT_AUTH_METHOD", "approle",
                        "VAULT_ROLE_ID", "r",
                        "VAULT_SECRET_ID_FILE", "a",
                        "VAULT_WRAPPED_SECRET_ID_FILE", "b")))
        .isInstanceOfSatisfying(
            CredentialConfigurationException.class,
            x -> assertThat(x.setting()).isEqualTo("VAULT_SECRET_ID_FILE"));
    assertThatThrownBy(() -> build(env("VAULT_ROLE", "r", "VAULT_CLIENT_TIMEOUT", "soon")))
        .isInstanceOfSatisfying(
            CredentialConfigurationException.class,
            x -> assertThat(x.setting()).isEqualTo("VAULT_CLIENT_TIMEOUT"));
    assertThatThrownBy(
            () -> build(env("VAULT_ROLE", "r", "VAULT_CACERT", dir.resolve("x").toString())))
        .isInstanceOfSatisfying(
            CredentialConfigurationException.class,
            x -> assertThat(x.setting()).isEqualTo("VAULT_CACERT"));
    assertThatThrownBy(() -> build(env("VAULT_ROLE", "r", "VAULT_ADDR", "vault:8200")))
        .isInstanceOfSatisfying(
            CredentialConfigurationException.class,
            x -> assertThat(x.setting()).isEqualTo("VAULT_ADDR"));
  }

  @Test
  void plainHttp_toAHostThatIsNotLoopback_needsAnExplicitOptIn() {
    VaultCredentials.Builder b =
        VaultCredentials.builder()
            .address("http://vault.internal.example:8200")
            .login(VaultLogin.kubernetes(Testbed.ROLE, jwt.path()))
            .timebase(time)
            .prefetch(false);
    assertThatThrownBy(b::build)
        .isInstanceOfSatisfying(
            CredentialConfigurationException.class,
            x -> {
              assertThat(x.setting()).isEqualTo("address");
              assertThat(x.getMessage()).contains("allowPlainHttp");
            });
    try (VaultCredentials c = b.allowPlainHttp(true).build()) {
      assertThat(c.address()).isEqualTo("http://vault.internal.example:8200");
    }
    try (VaultCredentials c =
        VaultCredentials.builder()
            .address("http://127.0.0.1:8200/")
            .login(VaultLogin.kubernetes(Testbed.ROLE, jwt.path()))
            .timebase(time)
            .prefetch(false)
            .build()) {
      assertThat(c.address()).isEqualTo("http://127.0.0.1:8200");
    }
  }

  @Test
  void closed_refusesNewLeases() throws Exception {
    VaultCredentials c =
        build(env("VAULT_ROLE", Testbed.ROLE, "VAULT_JWT_FILE", jwt.path().toString()));
    c.close();
    assertThatThrownBy(() -> c.lease("database/creds/x"))
        .isInstanceOfSatisfying(
            CredentialUnavailableException.class,
            x -> assertThat(x.reason()).isEqualTo(Reason.CLOSED));
  }
}
