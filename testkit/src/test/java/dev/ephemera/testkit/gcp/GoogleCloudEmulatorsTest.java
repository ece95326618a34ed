package dev.ephemera.testkit.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ephemera.testkit.oidc.OidcIssuer;
import dev.ephemera.testkit.time.VirtualTime;
import java.time.Duration;
import java.util.List;
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

  @Test
  void theRegistry_judgesExpiryOnItsClock() {
    VirtualTime time = VirtualTime.create();
    GoogleTokenRegistry registry = GoogleTokenRegistry.create(time.clock());
    String t =
        registry.mint(new GoogleToken("iam", "sa", List.of("s"), time.now().plusSeconds(60), "{}"));
    assertThat(t).startsWith("ya29.iam.");
    assertThat(registry.lookup(t)).isPresent();
    assertThat(registry.accessBoundaryOf(t)).contains("{}");
    time.advance(Duration.ofSeconds(61));
    assertThat(registry.lookup(t)).isEmpty();
    assertThat(registry.find(t)).isPresent();
  }
}
