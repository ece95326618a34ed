package dev.ephemera.examples.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.storage.blob.models.BlobStorageException;
import dev.ephemera.core.Environment;
import dev.ephemera.testkit.azure.EntraEmulator;
import dev.ephemera.testkit.azure.FederatedCredential;
import dev.ephemera.testkit.emulator.LoopbackTls;
import dev.ephemera.testkit.oidc.OidcIssuer;
import dev.ephemera.testkit.oidc.ServiceAccount;
import dev.ephemera.testkit.oidc.TokenFile;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the example as written, real time, against the Entra emulator and a Blob stand-in, both
 * HTTPS on loopback. The example uses the JVM's default trust, as it would in AKS; here the default
 * trusts the testkit's loopback certificate for the length of each test (what {@code
 * -Djavax.net.ssl.trustStore} does for a private CA).
 */
class BlobReadExampleTest {
  private static final String CLIENT_ID = "0c3f1a2b-4d5e-4f60-8a7b-9c0d1e2f3a4b";
  private static final ServiceAccount LEDGER = ServiceAccount.of("finance", "ledger");

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  @SuppressWarnings("NullAway.Init")
  private SSLContext previousDefault;

  @SuppressWarnings("NullAway.Init")
  private OidcIssuer oidc;

  @SuppressWarnings("NullAway.Init")
  private EntraEmulator entra;

  @SuppressWarnings("NullAway.Init")
  private FakeBlobStorage storage;

  @SuppressWarnings("NullAway.Init")
  private Map<String, String> pod;

  @BeforeEach
  void start(@TempDir Path dir) throws Exception {
    previousDefault = SSLContext.getDefault();
    SSLContext.setDefault(LoopbackTls.sslContext());
    oidc = OidcIssuer.start(Clock.systemUTC());
    entra = EntraEmulator.builder(oidc).start();
    entra.register(CLIENT_ID, FederatedCredential.of(oidc.issuerUrl(), LEDGER.subject()));
    storage = new FakeBlobStorage(entra, Clock.systemUTC());
    TokenFile token =
        oidc.project(
            dir.resolve("azure-identity-token"),
            LEDGER,
            FederatedCredential.TOKEN_EXCHANGE_AUDIENCE,
            Duration.ofHours(1));
    pod =
        Map.of(
            "AZURE_CLIENT_ID", CLIENT_ID,
            "AZURE_TENANT_ID", entra.tenantId(),
            "AZURE_FEDERATED_TOKEN_FILE", token.path().toString(),
            "AZURE_AUTHORITY_HOST", entra.authorityHost(),
            "AZURE_STORAGE_BLOB_ENDPOINT", storage.endpoint(),
            "AZURE_STORAGE_CONTAINER", "statements",
            "AZURE_STORAGE_BLOB", "2026-01.csv");
  }

  @AfterEach
  void stop() {
    storage.close();
    entra.close();
    oidc.close();
    SSLContext.setDefault(previousDefault);
  }

  @Test
  void readsTheBlob_withTheStorageTokenEntraIssuedForThePod() {
    storage.blob("statements", "2026-01.csv", "date,amount\n2026-01-02,42.00\n");

    String text = BlobReadExample.run(Environment.of(pod), out);

    assertThat(text).isEqualTo("date,amount\n2026-01-02,42.00\n");
    assertThat(entra.issued())
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.scope()).isEqualTo("https://storage.azure.com/.default");
              assertThat(t.subject()).isEqualTo(LEDGER.subject());
              assertThat(storage.tokensSeen()).containsOnly(t.uti());
            });
    assertThat(storage.refusals()).isEmpty();
    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .contains("/statements/2026-01.csv: 29 characters");
  }

  @Test
  void aPodEntraDoesNotTrust_getsNoToken_andStorageIsNeverAskedWithoutOne() {
    entra.clearFederatedCredentials(CLIENT_ID);
    storage.blob("statements", "2026-01.csv", "secret ledger");

    assertThatThrownBy(() -> BlobReadExample.run(Environment.of(pod), out))
        .isNotInstanceOf(BlobStorageException.class);
    assertThat(storage.tokensSeen()).isEmpty();
  }
}
