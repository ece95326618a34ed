package dev.ephemera.examples.demo;

import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import dev.ephemera.azure.AzureWorkloadIdentity;
import dev.ephemera.core.Environment;
import dev.ephemera.core.audit.AuditEventType;
import dev.ephemera.testkit.RecordingAuditListener;
import dev.ephemera.testkit.azure.EntraEmulator;
import dev.ephemera.testkit.azure.FederatedCredential;
import dev.ephemera.testkit.emulator.FaultPlan;
import dev.ephemera.testkit.emulator.LoopbackTls;
import dev.ephemera.testkit.oidc.ServiceAccount;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Azure: a pod with the Workload Identity webhook's variables gets Entra ID tokens for Storage and
 * Key Vault, each scope on its own schedule, through azure-core's {@code TokenCredential}.
 */
final class AzureScenario implements Scenario {
  private static final String CLIENT_ID = "5f0b6a3e-2c1d-4e8f-9a7b-1c2d3e4f5a6b";
  private static final ServiceAccount LEDGER = ServiceAccount.of("shop", "ledger");
  private static final List<String> SCOPES =
      List.of("https://storage.azure.com/.default", "https://vault.azure.net/.default");

  private @Nullable EntraEmulator entra;
  private @Nullable AzureWorkloadIdentity identity;
  private final List<Watched> watched = new ArrayList<>();
  private final List<Probe> probes = new ArrayList<>();

  @Override
  public String backend() {
    return "azure";
  }

  @Override
  public void start(DemoWorld world) {
    EntraEmulator emulator =
        EntraEmulator.builder(world.oidc())
            .clock(world.time().clock())
            .tokenLifetime(world.lifetimes().accessToken())
            .start();
    entra = emulator;
    emulator.register(
        CLIENT_ID, FederatedCredential.of(world.oidc().issuerUrl(), LEDGER.subject()));
    var token =
        world.project("azure-identity-token", LEDGER, FederatedCredential.TOKEN_EXCHANGE_AUDIENCE);
    Environment pod =
        Environment.of(
            Map.of(
                "AZURE_CLIENT_ID", CLIENT_ID,
                "AZURE_TENANT_ID", emulator.tenantId(),
                "AZURE_FEDERATED_TOKEN_FILE", token.path().toString(),
                "AZURE_AUTHORITY_HOST", emulator.authorityHost()));
    var builder =
        AzureWorkloadIdentity.builder()
            .environment(pod)
            .name("azure")
            .timebase(world.time())
            // the emulator's certificate is the testkit's loopback one
            .httpClient(
                new JdkHttpClientBuilder(
                        java.net.http.HttpClient.newBuilder().sslContext(LoopbackTls.sslContext()))
                    .responseTimeout(Duration.ofSeconds(10))
                    .build());
    world.audit().forEach(builder::auditListener);
    AzureWorkloadIdentity azure = builder.build();
    identity = azure;
    TokenCredential credential = azure.tokenCredential();
    for (String scope : SCOPES) {
      String label = scope.contains("vault") ? "azure-keyvault" : "azure-storage";
      watched.add(new Watched(label, azure.source(scope)));
      TokenRequestContext request = new TokenRequestContext().addScopes(scope);
      // What every Azure SDK client's bearer-token policy does per request.
      probes.add(
          new Probe(
              label,
              () -> {
                var t = credential.getTokenSync(request);
                if (t.isExpired()) {
                  throw new IllegalStateException(label + " got an expired token");
                }
              }));
    }
  }

  @Override
  public List<Watched> watched() {
    return watched;
  }

  @Override
  public List<Probe> probes() {
    return probes;
  }

  @Override
  public List<FaultPlan> faultPlans() {
    EntraEmulator e = entra;
    return e == null ? List.of() : List.of(e.faults());
  }

  @Override
  public String endpoints() {
    return "Entra ID";
  }

  @Override
  public List<String> check(RecordingAuditListener audit) {
    List<String> problems = new ArrayList<>();
    long issued =
        audit
            .matching(e -> e.type() == AuditEventType.ISSUED && e.provider().startsWith("azure"))
            .size();
    if (issued < SCOPES.size()) {
      problems.add("expected a token per scope, saw " + issued + " issuances");
    }
    return problems;
  }

  @Override
  public void close() {
    if (identity != null) {
      identity.close();
    }
    if (entra != null) {
      entra.close();
    }
  }
}
