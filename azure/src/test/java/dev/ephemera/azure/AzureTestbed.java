package dev.ephemera.azure;

import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import dev.ephemera.core.Environment;
import dev.ephemera.testkit.azure.EntraEmulator;
import dev.ephemera.testkit.azure.FederatedCredential;
import dev.ephemera.testkit.emulator.LoopbackTls;
import dev.ephemera.testkit.oidc.OidcIssuer;
import dev.ephemera.testkit.oidc.ServiceAccount;
import dev.ephemera.testkit.oidc.TokenFile;
import dev.ephemera.testkit.time.VirtualTime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Everything an Azure test needs on one virtual time: the cluster's OIDC issuer, a projected token
 * file for {@link #ACCOUNT}, and the Entra emulator (HTTPS) that trusts it for {@link #CLIENT_ID}.
 * The issuer and the emulator read {@link VirtualTime#upstreamClock()}; the identity reads {@code
 * time}, the local clock.
 */
public final class AzureTestbed implements AutoCloseable {
  /** The application the workload federates into. */
  public static final String CLIENT_ID = "5f0b6a3e-2c1d-4e8f-9a7b-1c2d3e4f5a6b";

  /** The workload's service account. */
  public static final ServiceAccount ACCOUNT = ServiceAccount.of("payments", "ledger");

  /** A scope. */
  public static final String STORAGE = "https://storage.azure.com/.default";

  /** Another scope. */
  public static final String VAULT = "https://vault.azure.net/.default";

  /** Projected tokens live a day, like the webhook's longest setting. */
  public static final Duration SA_TOKEN_TTL = Duration.ofHours(24);

  public final VirtualTime time;
  public final OidcIssuer oidc;
  public final EntraEmulator entra;
  public final Path dir;
  public final TokenFile tokenFile;

  public AzureTestbed(VirtualTime time) {
    this(time, b -> {});
  }

  public AzureTestbed(VirtualTime time, Consumer<EntraEmulator.Builder> entraOptions) {
    this.time = time;
    this.oidc = OidcIssuer.start(time.upstreamClock());
    EntraEmulator.Builder b = EntraEmulator.builder(oidc).clock(time.upstreamClock());
    entraOptions.accept(b);
    this.entra = b.start();
    entra.register(CLIENT_ID, FederatedCredential.of(oidc.issuerUrl(), ACCOUNT.subject()));
    try {
      this.dir = Files.createTempDirectory("ephemera-azure-test");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.tokenFile =
        oidc.project(
            dir.resolve("azure-identity-token"),
            ACCOUNT,
            FederatedCredential.TOKEN_EXCHANGE_AUDIENCE,
            SA_TOKEN_TTL);
  }

  /** The variables the Azure Workload Identity webhook would inject. */
  public Map<String, String> env() {
    return Map.of(
        AzureWorkloadIdentity.AZURE_CLIENT_ID, CLIENT_ID,
        AzureWorkloadIdentity.AZURE_TENANT_ID, entra.tenantId(),
        AzureWorkloadIdentity.AZURE_FEDERATED_TOKEN_FILE, tokenFile.path().toString(),
        AzureWorkloadIdentity.AZURE_AUTHORITY_HOST, entra.authorityHost());
  }

  /** A builder from {@link #env()}, on this time, trusting the loopback certificate. */
  public AzureWorkloadIdentity.Builder identity() {
    return AzureWorkloadIdentity.builder()
        .environment(Environment.of(env()))
        .timebase(time)
        .httpClient(loopbackHttp(Duration.ofSeconds(10)));
  }

  /** azure-core's JDK client trusting only the testkit's loopback certificate. */
  public static HttpClient loopbackHttp(Duration timeout) {
    return new JdkHttpClientBuilder(
            java.net.http.HttpClient.newBuilder().sslContext(LoopbackTls.sslContext()))
        .connectionTimeout(timeout)
        .responseTimeout(timeout)
        .readTimeout(timeout)
        .build();
  }

  @Override
  public void close() {
    entra.close();
    oidc.close();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: test files only
    }
  }
}
