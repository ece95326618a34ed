package dev.ephemera.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ephemera.testkit.oidc.OidcIssuer;
import dev.ephemera.testkit.oidc.ServiceAccount;
import dev.ephemera.testkit.time.VirtualTime;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The canary marker that lets CI find any leaked testkit secret. */
class CanaryTest {

  @Test
  void mark_keepsTheLengthOfTheFormat_andCarriesTheMarker() {
    String key = Canary.mark("", "A".repeat(40), 40);
    assertThat(key).hasSize(40).startsWith(Canary.MARKER);
    assertThat(Canary.mark("hvs.", "b".repeat(24), 28))
        .hasSize(28)
        .startsWith("hvs." + Canary.MARKER);
    assertThatThrownBy(() -> Canary.mark("", "x", 40)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void leaksIn_findsTheRawMarker_andJwtsCarryingTheClaim_butNotTheirIds() {
    VirtualTime time = VirtualTime.create(1);
    try (OidcIssuer oidc = OidcIssuer.start(time.clock())) {
      String jwt =
          oidc.mint(ServiceAccount.of("ns", "app"), "sts.amazonaws.com", Duration.ofHours(1));
      assertThat(jwt).doesNotContain(Canary.MARKER);
      assertThat(Canary.leaksIn("WARN refresh failed: token=" + jwt + " rejected")).isTrue();
      assertThat(Canary.leaksIn("secret=" + Canary.mark("", "Z".repeat(40), 40))).isTrue();
      assertThat(Canary.leaksIn("ISSUED id=ASIAABCDEFGHIJKLMNOP sub=system:serviceaccount:ns:app"))
          .isFalse();
      assertThat(Canary.leaksIn("eyJhbGciOiJub25lIn0.bm90IGpzb24.")).isFalse();
    }
  }

  @Test
  void uuid_isUuidShaped_andEndsInTheHexMarker_whichLeaksInFinds() {
    String id = Canary.uuid();
    assertThat(UUID.fromString(id).toString()).isEqualTo(id);
    assertThat(id).endsWith("-" + Canary.HEX_MARKER).isNotEqualTo(Canary.uuid());
    assertThat(Canary.leaksIn("login failed for secret_id " + id)).isTrue();
    assertThat(Canary.leaksIn("request_id " + UUID.randomUUID())).isFalse();
  }
}
