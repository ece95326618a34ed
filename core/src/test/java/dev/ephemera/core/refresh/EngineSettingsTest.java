package dev.ephemera.core.refresh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ephemera.core.BearerToken;
import dev.ephemera.core.audit.AuditHost;
import dev.ephemera.core.audit.AuditListener;
import dev.ephemera.core.spi.CredentialIssuer;
import dev.ephemera.core.spi.IssuerInfo;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** One engine-settings type behind every backend builder's setters. */
class EngineSettingsTest {
  private static final CredentialIssuer<BearerToken> NEVER =
      CredentialIssuer.of(
          IssuerInfo.of("test", "me", "you"),
          () -> {
            throw new AssertionError("prefetch is off: nothing may issue");
          });

  /** A backend builder as every backend writes one: it holds settings, the setters come free. */
  private static final class SomeBackendBuilder implements EngineConfigurable<SomeBackendBuilder> {
    final EngineSettings.Builder engine = EngineSettings.builder();

    @Override
    public SomeBackendBuilder engine(Consumer<? super EngineSettings.Builder> change) {
      change.accept(engine);
      return this;
    }
  }

  @Test
  void defaults_nameNothing_andPrefetch() {
    EngineSettings d = EngineSettings.defaults();
    assertThat(d.name()).isEmpty();
    assertThat(d.prefetch()).isTrue();
    assertThat(d.refreshPolicy()).isEqualTo(RefreshPolicy.defaults());
    assertThat(d.auditListeners()).isEmpty();
    assertThat(d.random()).isEmpty();
    assertThat(d.auditHost()).isEmpty();
  }

  @Test
  void theSharedSetters_reachTheEngine_throughApplyTo() {
    AuditListener listener = e -> {};
    RefreshPolicy policy = RefreshPolicy.builder().expiryMargin(Duration.ofSeconds(5)).build();
    SomeBackendBuilder b =
        new SomeBackendBuilder()
            .name("orders-db")
            .refreshPolicy(policy)
            .auditListener(listener)
            .auditHost(new AuditHost("h", "p", "n", 1))
            .prefetch(false)
            .random(new SplittableRandom(7));
    EngineSettings s = b.engine.build();
    assertThat(s.name()).contains("orders-db");
    assertThat(s.refreshPolicy()).isEqualTo(policy);
    assertThat(s.auditListeners()).containsExactly(listener);
    assertThat(s.prefetch()).isFalse();
    try (RefreshingCredentialSource<BearerToken> source =
        s.applyTo(RefreshingCredentialSource.builder(NEVER), "default-name").build()) {
      assertThat(source.name()).isEqualTo("orders-db");
      assertThat(source.current()).isEmpty();
    }
    try (RefreshingCredentialSource<BearerToken> unnamed =
        EngineSettings.builder()
            .prefetch(false)
            .build()
            .applyTo(RefreshingCredentialSource.builder(NEVER), "default-name")
            .build()) {
      assertThat(unnamed.name()).isEqualTo("default-name");
    }
  }

  @Test
  void aSeededRandom_isSplitPerSource_soSourcesNeverShareAGenerator_andRunsReplay() {
    SplittableRandom seed = new SplittableRandom(42);
    RandomGenerator first = EngineSettings.ownGenerator(seed);
    RandomGenerator second = EngineSettings.ownGenerator(seed);
    assertThat(first).isNotSameAs(seed).isNotSameAs(second);
    long a = first.nextLong();
    long b = second.nextLong();
    assertThat(a).isNotEqualTo(b);
    SplittableRandom replay = new SplittableRandom(42);
    assertThat(EngineSettings.ownGenerator(replay).nextLong()).isEqualTo(a);
    assertThat(EngineSettings.ownGenerator(replay).nextLong()).isEqualTo(b);
    RandomGenerator notSplittable = new java.util.Random(1);
    assertThat(EngineSettings.ownGenerator(notSplittable)).isSameAs(notSplittable);
  }

  @Test
  @SuppressWarnings("NullAway") // passes null on purpose
  void setters_refuseBadValues_namingTheSetting() {
    assertThatThrownBy(() -> EngineSettings.builder().name(" "))
        .hasMessageContaining("name must not be blank");
    assertThatThrownBy(() -> new SomeBackendBuilder().refreshPolicy(null))
        .hasMessageContaining("refreshPolicy");
    assertThatThrownBy(() -> new SomeBackendBuilder().auditListener(null))
        .hasMessageContaining("auditListener");
  }

  @Test
  void toBuilder_copies_andToStringShowsNoListenerObjects() {
    EngineSettings s = EngineSettings.builder().name("a").auditListener(e -> {}).build();
    EngineSettings t = s.toBuilder().name("b").build();
    assertThat(s.name()).contains("a");
    assertThat(t.name()).contains("b");
    assertThat(t.auditListeners()).hasSize(1);
    assertThat(s.toString()).contains("name=a", "listeners=1");
  }
}
