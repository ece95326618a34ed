package dev.ephemera.testkit.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ephemera.testkit.oidc.OidcIssuer;
import dev.ephemera.testkit.time.VirtualTime;
import org.junit.jupiter.api.Test;

class GoogleCloudEmulatorsTest {
  @Test
  void allEmulators_shareOneRegistry() {
    VirtualTime time = VirtualTime.create();
    try (OidcIssuer oidc = OidcIssuer.start(time.clock());
        GoogleCloudEmulators google = GoogleCloudEmulators.start(time.clock(), oidc)) {
      assertThat(google.metadata().registry()).isSameAs(google.registry());
      assertThat(google.sts().registry()).isSameAs(google.registry());
      assertThat(google.iam().registry()).isSameAs(google.registry());
      String fromMetadata =
          GkeMetadataServerEmulatorTest.token(
              Http.get(
                      google.metadata().baseUrl()
                          + "/computeMetadata/v1/instance/service-accounts/default/token",
                      "Metadata-Flavor",
                      "Google")
                  .body());
      assertThat(
              Http.get(
                      google.storage().objectUrl("b", "o"),
                      "Authorization",
                      "Bearer " + fromMetadata)
                  .statusCode())
          .isEqualTo(200);
      assertThat(google.registry().size()).isEqualTo(1);
    }
  }
}
