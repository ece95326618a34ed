package dev.ephemera.benchmarks.azure;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.AccessTokenCache;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.identity.ClientAssertionCredentialBuilder;
import dev.ephemera.azure.AzureWorkloadIdentity;
import dev.ephemera.core.Environment;
import dev.ephemera.testkit.azure.EntraEmulator;
import dev.ephemera.testkit.azure.FederatedCredential;
import dev.ephemera.testkit.emulator.LoopbackTls;
import dev.ephemera.testkit.oidc.OidcIssuer;
import dev.ephemera.testkit.oidc.ServiceAccount;
import dev.ephemera.testkit.oidc.TokenFile;
import dev.ephemera.testkit.time.VirtualTime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A held Entra token through azure-core's {@link TokenCredential}: Ephemera's adapter versus
 * azure-core's own {@link AccessTokenCache} (what every Azure SDK client's bearer policy uses) in
 * front of azure-identity's {@code ClientAssertionCredential}. Both hold a token fetched once from
 * the testkit's Entra emulator; nothing here touches the network after setup.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar 'azure.TokenCredentialBenchmark' \
 *     -f 1 -wi 2 -i 3 -w 1s -r 1s -t 1 -prof gc      (and -t 8)
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TokenCredentialBenchmark {
  private static final String CLIENT_ID = "5f0b6a3e-2c1d-4e8f-9a7b-1c2d3e4f5a6b";
  private static final String STORAGE = "https://storage.azure.com/.default";

  private final TokenRequestContext request = new TokenRequestContext().addScopes(STORAGE);
  private OidcIssuer oidc;
  private EntraEmulator entra;
  private Path dir;
  private AzureWorkloadIdentity identity;
  private TokenCredential ephemera;
  private AccessTokenCache azureCore;

  @Setup
  public void setUp() throws IOException {
    VirtualTime time = VirtualTime.startingAt(Instant.now()); // nothing falls due while measuring
    oidc = OidcIssuer.start(time.clock());
    entra = EntraEmulator.builder(oidc).clock(time.clock()).start();
    ServiceAccount account = ServiceAccount.of("bench", "app");
    entra.register(CLIENT_ID, FederatedCredential.of(oidc.issuerUrl(), account.subject()));
    dir = Files.createTempDirectory("ephemera-bench");
    TokenFile file =
        oidc.project(
            dir.resolve("token"),
            account,
            FederatedCredential.TOKEN_EXCHANGE_AUDIENCE,
            Duration.ofHours(24));
    HttpClient http =
        new JdkHttpClientBuilder(
                java.net.http.HttpClient.newBuilder().sslContext(LoopbackTls.sslContext()))
            .build();

    identity =
        AzureWorkloadIdentity.builder()
            .environment(
                Environment.of(
                    Map.of(
                        AzureWorkloadIdentity.AZURE_CLIENT_ID, CLIENT_ID,
                        AzureWorkloadIdentity.AZURE_TENANT_ID, entra.tenantId(),
                        AzureWorkloadIdentity.AZURE_FEDERATED_TOKEN_FILE, file.path().toString(),
                        AzureWorkloadIdentity.AZURE_AUTHORITY_HOST, entra.authorityHost())))
            .timebase(time)
            .httpClient(http)
            .build();
    ephemera = identity.tokenCredential();

    TokenCredential vendor =
        new ClientAssertionCredentialBuilder()
            .clientId(CLIENT_ID)
            .tenantId(entra.tenantId())
            .authorityHost(entra.authorityHost())
            .disableInstanceDiscovery()
            .clientAssertion(file::currentToken)
            .httpClient(http)
            .build();
    azureCore = new AccessTokenCache(vendor);

    check(ephemera.getTokenSync(request), "ephemera");
    check(azureCore.getTokenSync(request, false), "azure-core");
  }

  private static void check(AccessToken token, String who) {
    if (token == null || token.getToken().isEmpty() || token.isExpired()) {
      throw new IllegalStateException(who + " has no valid token after setup");
    }
  }

  @TearDown
  public void tearDown() throws IOException {
    // two issuances (one per path) at setup; more would mean a path did not serve from its cache
    System.err.println("token-endpoint requests during the run: " + entra.tokenRequests());
    identity.close();
    entra.close();
    oidc.close();
    try (var files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Files.deleteIfExists(p);
      }
    }
    Files.deleteIfExists(dir);
  }

  /** Ephemera's adapter on a held token: map lookup, volatile read, identity check. */
  @Benchmark
  public AccessToken ephemeraGetTokenSync() {
    return ephemera.getTokenSync(request);
  }

  /** azure-core's AccessTokenCache on a cached token (the SDK bearer policies' path). */
  @Benchmark
  public AccessToken azureCoreAccessTokenCacheGetTokenSync() {
    return azureCore.getTokenSync(request, false);
  }
}
