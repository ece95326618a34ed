package dev.ephemera.azure;

import static dev.ephemera.azure.AzureTestbed.ACCOUNT;
import static dev.ephemera.azure.AzureTestbed.CLIENT_ID;
import static dev.ephemera.azure.AzureTestbed.STORAGE;
import static dev.ephemera.azure.AzureWorkloadIdentity.AZURE_AUTHORITY_HOST;
import static dev.ephemera.azure.AzureWorkloadIdentity.AZURE_CLIENT_ID;
import static dev.ephemera.azure.AzureWorkloadIdentity.AZURE_FEDERATED_TOKEN_FILE;
import static dev.ephemera.azure.AzureWorkloadIdentity.AZURE_TENANT_ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ephemera.core.BearerToken;
import dev.ephemera.core.CredentialConfigurationException;
import dev.ephemera.core.CredentialUnavailableException;
import dev.ephemera.core.CredentialUnavailableException.Reason;
import dev.ephemera.core.Environment;
import dev.ephemera.core.audit.AuditEvent;
import dev.ephemera.core.audit.AuditEventType;
import dev.ephemera.core.audit.AuditHost;
import dev.ephemera.testkit.RecordingAuditListener;
import dev.ephemera.testkit.time.VirtualTime;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class AzureWorkloadIdentityTest {
  private static final String TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";

  private static Map<String, String> webhookEnv() {
    Map<String, String> env = new HashMap<>();
    env.put(AZURE_CLIENT_ID, CLIENT_ID);
    env.put(AZURE_TENANT_ID, TENANT);
    env.put(AZURE_FEDERATED_TOKEN_FILE, "/var/run/secrets/azure/tokens/azure-identity-token");
    env.put(AZURE_AUTHORITY_HOST, "https://login.microsoftonline.com/");
    return env;
  }

  private static AzureWorkloadIdentity fromEnv(Map<String, String> env) {
    return AzureWorkloadIdentity.fromEnvironment(Environment.of(env));
  }

  /** Configuration only: nothing here touches the network. */
  @Nested
  class Configuration {

    @Test
    void fromEnvironment_readsTheFourWebhookVariables() {
      try (var identity = fromEnv(webhookEnv())) {
        assertThat(identity.clientId()).isEqualTo(CLIENT_ID);
        assertThat(identity.tenantId()).isEqualTo(TENANT);
        assertThat(identity.tokenFile())
            .isEqualTo(Path.of("/var/run/secrets/azure/tokens/azure-identity-token"));
        assertThat(identity.authorityHost())
            .isEqualTo(URI.create("https://login.microsoftonline.com/"));
        assertThat(identity.scopes()).isEmpty();
      }
    }

    @Test
    void authorityHost_defaultsToThePublicCloud_andIsNormalized() {
      Map<String, String> env = webhookEnv();
      env.remove(AZURE_AUTHORITY_HOST);
      try (var identity = fromEnv(env)) {
        assertThat(identity.authorityHost())
            .isEqualTo(URI.create("https://login.microsoftonline.com/"));
      }
      env.put(AZURE_AUTHORITY_HOST, "HTTPS://Login.MicrosoftOnline.US:443");
      try (var identity = fromEnv(env)) {
        assertThat(identity.authorityHost())
            .isEqualTo(URI.create("https://login.microsoftonline.us/"));
      }
    }

    @Test
    void eachMissingVariable_isNamed() {
      for (String variable :
          new String[] {AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_FEDERATED_TOKEN_FILE}) {
        Map<String, String> env = webhookEnv();
        env.put(variable, "  ");
        assertThatThrownBy(() -> fromEnv(env))
            .isInstanceOf(CredentialConfigurationException.class)
            .hasMessageStartingWith(variable + " is not set")
            .satisfies(
                e ->
                    assertThat(((CredentialConfigurationException) e).setting())
                        .isEqualTo(variable));
      }
    }

    @Test
    void builderWithoutEnvironment_namesTheBuilderMethodToCall() {
      assertThatThrownBy(() -> AzureWorkloadIdentity.builder().build())
          .isInstanceOf(CredentialConfigurationException.class)
          .hasMessageContaining("AZURE_CLIENT_ID")
          .hasMessageContaining(".clientId(");
    }

    @Test
    void malformedValues_areRejected_namingTheSetting() {
      Map<String, String> env = webhookEnv();
      env.put(AZURE_CLIENT_ID, "my-app");
      assertThatThrownBy(() -> fromEnv(env))
          .hasMessageStartingWith(AZURE_CLIENT_ID)
          .hasMessageContaining("GUID");

      Map<String, String> tenant = webhookEnv();
      tenant.put(AZURE_TENANT_ID, "../evil");
      assertThatThrownBy(() -> fromEnv(tenant)).hasMessageStartingWith(AZURE_TENANT_ID);

      for (String bad :
          new String[] {
            "http://login.microsoftonline.com/",
            "https://login.microsoftonline.com/tenant",
            "https://user@login.microsoftonline.com/",
            "login.microsoftonline.com",
            "https://login.microsoftonline.com/?x=1"
          }) {
        Map<String, String> authority = webhookEnv();
        authority.put(AZURE_AUTHORITY_HOST, bad);
        assertThatThrownBy(() -> fromEnv(authority))
            .as(bad)
            .isInstanceOf(CredentialConfigurationException.class)
            .hasMessageStartingWith(AZURE_AUTHORITY_HOST);
      }
    }

    @Test
    void builderSettings_overrideTheEnvironment_andAreNamedWhenWrong() {
      try (var identity =
          AzureWorkloadIdentity.builder()
              .environment(Environment.of(webhookEnv()))
              .tenantId("contoso.onmicrosoft.com")
              .tokenFile(Path.of("/tmp/token"))
              .authorityHost("https://login.chinacloudapi.cn")
              .build()) {
        assertThat(identity.tenantId()).isEqualTo("contoso.onmicrosoft.com");
        assertThat(identity.tokenFile()).isEqualTo(Path.of("/tmp/token"));
        assertThat(identity.authorityHost())
            .isEqualTo(URI.create("https://login.chinacloudapi.cn/"));
      }
      assertThatThrownBy(
              () ->
                  AzureWorkloadIdentity.builder()
                      .environment(Environment.of(webhookEnv()))
                      .clientId(" ")
                      .build())
          .isInstanceOf(CredentialConfigurationException.class)
          .hasMessageStartingWith("clientId");
      assertThatThrownBy(() -> AzureWorkloadIdentity.builder().connectTimeout(Duration.ZERO))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("connectTimeout");
      assertThatThrownBy(() -> AzureWorkloadIdentity.builder().readTimeout(Duration.ofSeconds(-1)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("readTimeout");
      assertThatThrownBy(() -> AzureWorkloadIdentity.builder().scopeIdleTimeout(Duration.ZERO))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> AzureWorkloadIdentity.builder().maximumScopes(0))
          .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void scopes_mustBeOneResourcesDefaultScope() {
      try (var identity = fromEnv(webhookEnv())) {
        for (String bad :
            new String[] {
              "https://storage.azure.com/user_impersonation",
              "https://storage.azure.com/.default https://vault.azure.net/.default",
              " "
            }) {
          assertThatThrownBy(() -> identity.source(bad))
              .as(bad)
              .isInstanceOf(CredentialConfigurationException.class)
              .satisfies(
                  e ->
                      assertThat(((CredentialConfigurationException) e).setting())
                          .isEqualTo("scope"));
        }
        assertThat(identity.scopes()).isEmpty();
      }
    }

    @Test
    void toString_namesTheIdentity() {
      try (var identity = fromEnv(webhookEnv())) {
        assertThat(identity.toString()).contains(CLIENT_ID, TENANT, "login.microsoftonline.com");
      }
    }
  }

  @Test
  void token_isIssuedEndToEnd_andAuditedWithPrincipalTargetScopeAndUti() {
    VirtualTime time = VirtualTime.create();
    RecordingAuditListener audit = new RecordingAuditListener();
    try (AzureTestbed bed = new AzureTestbed(time);
        AzureWorkloadIdentity identity = bed.identity().auditListener(audit).build()) {
      BearerToken token = identity.token(STORAGE);

      assertThat(token.id()).isEqualTo("uti:" + bed.entra.issued().get(0).uti());
      assertThat(identity.token(STORAGE)).isSameAs(token);
      assertThat(identity.source(STORAGE).name()).isEqualTo("azure[" + STORAGE + "]");
      assertThat(identity.scopes()).containsExactly(STORAGE);
      AuditEvent issued = audit.ofType(AuditEventType.ISSUED).get(0);
      assertThat(issued.principal()).isEqualTo(ACCOUNT.subject());
      assertThat(issued.target()).isEqualTo(bed.entra.tenantId() + "/" + CLIENT_ID);
      assertThat(issued.scope()).isEqualTo(STORAGE);
      assertThat(issued.credentialId()).contains(token.id());
      assertThat(audit.allJson())
          .doesNotContain(token.token().reveal())
          .doesNotContain(bed.tokenFile.currentToken());
    }
  }

  @Test
  void expiredTokenFile_isSentToEntra_whichRejectsIt_auditedAsATerminalRejection() {
    // No local pre-check of exp: Entra judges it on its own clock (a local clock running ahead
    // would otherwise refuse a token Entra still accepts).
    VirtualTime time = VirtualTime.create();
    RecordingAuditListener audit = new RecordingAuditListener();
    try (AzureTestbed bed = new AzureTestbed(time);
        AzureWorkloadIdentity identity = bed.identity().auditListener(audit).build()) {
      time.advance(AzureTestbed.SA_TOKEN_TTL);

      assertThatThrownBy(() -> identity.token(STORAGE))
          .isInstanceOf(CredentialUnavailableException.class)
          .satisfies(
              e ->
                  assertThat(((CredentialUnavailableException) e).reason())
                      .isEqualTo(Reason.REJECTED))
          .hasMessageContaining(AZURE_FEDERATED_TOKEN_FILE)
          .hasMessageContaining("AADSTS700024")
          .hasMessageNotContaining(bed.tokenFile.currentToken());
      assertThat(bed.entra.journal().size()).as("Entra judged the token").isEqualTo(1);
      assertThat(bed.entra.issued()).isEmpty();
      AuditEvent failed = audit.ofType(AuditEventType.REFRESH_FAILED).get(0);
      assertThat(failed.principal()).isEqualTo(ACCOUNT.subject());
      assertThat(failed.error())
          .hasValueSatisfying(
              err -> {
                assertThat(err.reason()).isEqualTo("REJECTED");
                assertThat(err.terminal()).isTrue();
              });
    }
  }

  @Test
  void random_seedsTheJitter_soTwoIdentitiesFromOneSeedRefreshAtTheSameMoment() {
    // two virtual times with different seeds of their own: only the builder's random is shared
    Instant[] planned = new Instant[2];
    for (int i = 0; i < 2; i++) {
      VirtualTime time = VirtualTime.create(1000 + i);
      try (AzureTestbed bed = new AzureTestbed(time);
          AzureWorkloadIdentity identity =
              bed.identity().random(new SplittableRandom(42)).build()) {
        var source = identity.source(STORAGE);
        source.get();
        planned[i] = Objects.requireNonNull(source.status().nextRefreshAt());
      }
    }

    assertThat(planned[1]).isEqualTo(planned[0]);
  }

  @Test
  void engineSettings_reachEveryScopesSource() {
    VirtualTime time = VirtualTime.create();
    RecordingAuditListener first = new RecordingAuditListener();
    RecordingAuditListener second = new RecordingAuditListener();
    try (AzureTestbed bed = new AzureTestbed(time);
        AzureWorkloadIdentity identity =
            bed.identity()
                .name("payments")
                .auditListeners(List.of(first, second))
                .auditHost(new AuditHost("node-7", "ledger-0", "payments", 42))
                .prefetch(false)
                .build()) {
      var source = identity.source(STORAGE);
      assertThat(bed.entra.tokenRequests()).as("prefetch(false): nothing yet").isZero();

      source.get();

      assertThat(source.name()).isEqualTo("payments[" + STORAGE + "]");
      assertThat(first.ofType(AuditEventType.ISSUED)).hasSize(1);
      assertThat(second.ofType(AuditEventType.ISSUED)).hasSize(1);
      assertThat(first.ofType(AuditEventType.ISSUED).get(0).host().hostname()).isEqualTo("node-7");
    }
  }

  @Test
  void close_isIdempotent_andClosesEveryScope() {
    VirtualTime time = VirtualTime.create();
    try (AzureTestbed bed = new AzureTestbed(time)) {
      AzureWorkloadIdentity identity = bed.identity().build();
      var source = identity.source(STORAGE);
      source.get();

      identity.close();
      identity.close();

      assertThat(identity.scopes()).isEmpty();
      assertThatThrownBy(source::get)
          .isInstanceOf(CredentialUnavailableException.class)
          .satisfies(
              e ->
                  assertThat(((CredentialUnavailableException) e).reason())
                      .isEqualTo(Reason.CLOSED));
      assertThat(time.pendingTasks()).isZero();
    }
  }
}
