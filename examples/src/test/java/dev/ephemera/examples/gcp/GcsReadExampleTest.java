package dev.ephemera.examples.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.api.client.http.HttpResponseException;
import dev.ephemera.core.Environment;
import dev.ephemera.testkit.emulator.JournalEntry;
import dev.ephemera.testkit.gcp.GoogleCloudEmulators;
import dev.ephemera.testkit.oidc.OidcIssuer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs the example as written, in real time, against the GKE metadata server emulator and the Cloud
 * Storage emulator, which answers only a bearer token the metadata server minted and that is live.
 */
class GcsReadExampleTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  @Test
  void readsTheObject_withTheTokenTheMetadataServerMintedForThePod() {
    try (OidcIssuer oidc = OidcIssuer.start(Clock.systemUTC());
        GoogleCloudEmulators google = GoogleCloudEmulators.start(Clock.systemUTC(), oidc)) {
      Environment pod =
          Environment.of(
              Map.of(
                  "GCE_METADATA_HOST",
                  google.metadata().hostAndPort(),
                  "STORAGE_EMULATOR_HOST",
                  google.storage().baseUrl(),
                  "GCS_BUCKET",
                  "acme-invoices",
                  "GCS_OBJECT",
                  "2026/01.pdf"));

      String metadata = GcsReadExample.run(pod, out);

      assertThat(metadata)
          .contains("\"bucket\":\"acme-invoices\"")
          .contains("\"name\":\"2026/01.pdf\"");
      assertThat(google.metadata().tokensMinted()).isEqualTo(1);
      assertThat(google.storage().journal().entries())
          .singleElement()
          .extracting(JournalEntry::succeeded)
          .isEqualTo(true);
      assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("gs://acme-invoices/2026/01.pdf");
    }
  }

  @Test
  void storageRefusesATokenItDoesNotKnow_soTheReadAboveProvesTheTokenWasUsed() {
    try (OidcIssuer oidc = OidcIssuer.start(Clock.systemUTC());
        GoogleCloudEmulators google = GoogleCloudEmulators.start(Clock.systemUTC(), oidc)) {
      var request =
          new com.google.api.client.http.javanet.NetHttpTransport()
              .createRequestFactory(
                  r -> r.getHeaders().setAuthorization("Bearer ya29.not-a-token-it-minted"));
      assertThatThrownBy(
              () ->
                  request
                      .buildGetRequest(
                          new com.google.api.client.http.GenericUrl(
                              google.storage().objectUrl("acme-invoices", "2026%2F01.pdf")))
                      .execute())
          .isInstanceOfSatisfying(
              HttpResponseException.class, e -> assertThat(e.getStatusCode()).isEqualTo(401));
    }
  }
}
