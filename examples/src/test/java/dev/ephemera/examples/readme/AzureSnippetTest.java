package dev.ephemera.examples.readme;

// README:begin testing-azure
import static org.assertj.core.api.Assertions.assertThat;

import dev.ephemera.core.Environment;
import dev.ephemera.testkit.azure.EntraEmulator;
import dev.ephemera.testkit.azure.FederatedCredential;
import dev.ephemera.testkit.emulator.LoopbackTls;
import dev.ephemera.testkit.junit.EmulatorExtension;
import dev.ephemera.testkit.oidc.OidcIssuer;
import dev.ephemera.testkit.oidc.ServiceAccount;
import dev.ephemera.testkit.oidc.TokenFile;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

// README:end testing-azure

// README:begin testing-azure
@ExtendWith(EmulatorExtension.class)
class AzureSnippetTest {
  static final String CLIENT_ID = "0c3f1a2b-4d5e-4f60-8a7b-9c0d1e2f3a4b";
  static final ServiceAccount POD = ServiceAccount.of("finance", "ledger");

  @Test
  void everyScopeGetsATokenEntraIssuedForThePod(
      EntraEmulator entra, OidcIssuer kubernetes, @TempDir Path dir) throws Exception {
    entra.register(CLIENT_ID, FederatedCredential.of(kubernetes.issuerUrl(), POD.subject()));
    TokenFile token =
        kubernetes.project(
            dir.resolve("token"),
            POD,
            FederatedCredential.TOKEN_EXCHANGE_AUDIENCE,
            Duration.ofHours(1));
    SSLContext before = SSLContext.getDefault();
    SSLContext.setDefault(LoopbackTls.sslContext()); // Entra's emulator is HTTPS on loopback
    try {
      AzureSnippet.tokens(Environment.of(entra.environment(CLIENT_ID, token)));
    } finally {
      SSLContext.setDefault(before);
    }

    assertThat(entra.issued())
        .extracting(t -> t.scope())
        .containsExactlyInAnyOrder(
            "https://vault.azure.net/.default", "https://management.azure.com/.default");
  }
}
// README:end testing-azure
