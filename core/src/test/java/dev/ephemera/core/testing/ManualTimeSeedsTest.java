package dev.ephemera.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ephemera.core.BearerToken;
import dev.ephemera.core.CredentialSource;
import dev.ephemera.core.CredentialSources;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/** {@link ManualTime}'s jitter is seeded, replayable, and a failure names the seed. */
class ManualTimeSeedsTest {

  @Test
  void theSeedProperty_replaysAFreshSeed_throughARealSource() {
    ManualTime fresh = new ManualTime();
    Instant original = plannedRefresh(fresh);
    String before = System.getProperty(ManualTime.SEED_PROPERTY);
    System.setProperty(ManualTime.SEED_PROPERTY, Long.toString(fresh.seed()));
    try {
      ManualTime replayed = new ManualTime();
      assertThat(replayed.seed()).isEqualTo(fresh.seed());
      assertThat(plannedRefresh(replayed)).isEqualTo(original);
    } finally {
      if (before == null) {
        System.clearProperty(ManualTime.SEED_PROPERTY);
      } else {
        System.setProperty(ManualTime.SEED_PROPERTY, before);
      }
    }
  }

  @Test
  void aFailure_namesTheSeedsItsTestUsed() {
    ManualTime.USED.get().clear();
    ManualTime time = new ManualTime();
    Throwable failure = ManualTimeSeeds.withSeeds(new AssertionError("planted"));
    assertThat(Arrays.stream(failure.getSuppressed()).map(Throwable::getMessage))
        .containsExactly(
            "ManualTime seed "
                + time.seed()
                + "; replay with -Dephemera.testkit.seed="
                + time.seed());
  }

  private static Instant plannedRefresh(ManualTime time) {
    try (CredentialSource<BearerToken> source =
        CredentialSources.refreshing(new ScriptedIssuer(time.clock())).timebase(time).build()) {
      source.get();
      return Objects.requireNonNull(source.status().nextRefreshAt());
    }
  }
}
