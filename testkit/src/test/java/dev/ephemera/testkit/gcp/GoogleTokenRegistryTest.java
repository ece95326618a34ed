package dev.ephemera.testkit.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ephemera.testkit.time.VirtualTime;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class GoogleTokenRegistryTest {
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

  @Test
  void aGoogleToken_copiesItsScopes() {
    List<String> scopes = new java.util.ArrayList<>(List.of("a"));
    GoogleToken t = new GoogleToken("sts", "p", scopes, VirtualTime.DEFAULT_START, null);
    scopes.add("b");
    assertThat(t.scopes()).containsExactly("a");
    assertThat(t.boundary()).isEmpty();
  }
}
