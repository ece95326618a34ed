package dev.ephemera.core.scope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ephemera.core.BearerToken;
import dev.ephemera.core.CredentialSource;
import dev.ephemera.core.CredentialSources;
import dev.ephemera.core.CredentialUnavailableException;
import dev.ephemera.core.SourceState;
import dev.ephemera.core.testing.ManualTime;
import dev.ephemera.core.testing.ScriptedIssuer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScopedCredentialsTest {
  private final ManualTime time = new ManualTime();
  private final Map<String, ScriptedIssuer> issuers = new HashMap<>();

  private ScriptedIssuer issuer(String scope) {
    return java.util.Objects.requireNonNull(issuers.get(scope), scope);
  }

  private ScopedCredentials<String, BearerToken> scoped(Duration idle, long max) {
    return ScopedCredentials.<String, BearerToken>builder(
            bucket -> {
              ScriptedIssuer issuer = new ScriptedIssuer(time.clock()).provider("fake-" + bucket);
              issuers.put(bucket, issuer);
              return CredentialSources.refreshing(issuer).name(bucket).timebase(time).build();
            })
        .expireAfterAccess(idle)
        .maximumSize(max)
        .timebase(time)
        .build();
  }

  @Test
  void oneSourcePerScope_createdOnFirstUse_andReused() {
    try (var perBucket = scoped(Duration.ofMinutes(30), 100)) {
      BearerToken a1 = perBucket.get("a");
      BearerToken a2 = perBucket.get("a");
      BearerToken b = perBucket.get("b");
      assertThat(a2).isSameAs(a1);
      assertThat(b.id()).isEqualTo("fake-1");
      assertThat(perBucket.scopes()).containsExactlyInAnyOrder("a", "b");
      assertThat(issuer("a").issued()).isEqualTo(1);
      assertThat(perBucket.source("a").name()).isEqualTo("a");
    }
  }

  @Test
  void eachScope_refreshesOnItsOwnSchedule() {
    try (var perBucket = scoped(Duration.ofHours(3), 100)) {
      perBucket.get("a");
      time.advance(Duration.ofMinutes(20));
      perBucket.get("b");
      time.advance(Duration.ofMinutes(30)); // a is past its refresh band, b is not
      assertThat(issuer("a").issued()).isEqualTo(2);
      assertThat(issuer("b").issued()).isEqualTo(1);
    }
  }

  @Test
  void idleScope_isClosedAndRevoked_onTheInjectedTicker() {
    try (var perBucket = scoped(Duration.ofMinutes(10), 100)) {
      CredentialSource<BearerToken> a = perBucket.source("a");
      a.get();
      time.advance(Duration.ofMinutes(11));
      perBucket.cleanUp();
      assertThat(a.status().state()).isEqualTo(SourceState.CLOSED);
      assertThat(issuer("a").revokedIds()).containsExactly("fake-1");
      assertThat(perBucket.scopes()).isEmpty();
      // used again: a fresh source
      assertThat(perBucket.get("a")).isNotNull();
      assertThat(issuer("a").issued()).isEqualTo(1);
    }
  }

  @Test
  void sizeBound_evictsAndClosesSources() {
    try (var perBucket = scoped(Duration.ofHours(1), 2)) {
      for (String k : new String[] {"a", "b", "c", "d"}) {
        perBucket.get(k);
      }
      perBucket.cleanUp();
      assertThat(perBucket.scopes().size()).isLessThanOrEqualTo(2);
      long revoked = issuers.values().stream().filter(i -> !i.revokedIds().isEmpty()).count();
      assertThat(revoked).isGreaterThanOrEqualTo(2);
    }
  }

  @Test
  void close_closesEverySource_andRefusesNewScopes() {
    var perBucket = scoped(Duration.ofHours(1), 10);
    CredentialSource<BearerToken> a = perBucket.source("a");
    a.get();
    perBucket.close();
    perBucket.close();
    assertThat(a.status().state()).isEqualTo(SourceState.CLOSED);
    assertThat(issuer("a").revokedIds()).containsExactly("fake-1");
    assertThatThrownBy(() -> perBucket.get("b")).isInstanceOf(CredentialUnavailableException.class);
    assertThat(time.pendingTasks()).isZero();
  }

  @Test
  void builder_rejectsBadSettings_namingThem() {
    var b =
        ScopedCredentials.<String, BearerToken>builder(
            k -> {
              throw new AssertionError();
            });
    assertThatThrownBy(() -> b.expireAfterAccess(Duration.ZERO))
        .hasMessageContaining("expireAfterAccess");
    assertThatThrownBy(() -> b.maximumSize(0)).hasMessageContaining("maximumSize");
  }
}
