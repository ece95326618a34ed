package dev.ephemera.core.refresh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ephemera.core.CredentialUnavailableException;
import dev.ephemera.core.CredentialUnavailableException.Reason;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class TimingTest {
  private static final long HOUR = Duration.ofHours(1).toNanos();
  private static final long SECOND = Duration.ofSeconds(1).toNanos();
  private static final CredentialUnavailableException TRANSIENT =
      new CredentialUnavailableException(Reason.UNAVAILABLE, "503");
  private static final CredentialUnavailableException TERMINAL =
      new CredentialUnavailableException(Reason.REJECTED, "AccessDenied");

  private static final RandomGenerator NEVER =
      () -> {
        throw new AssertionError("no draw expected");
      };

  @Test
  void refreshOffset_staysInTheJitterBand_andSpreads() {
    Timing timing = new Timing(RefreshPolicy.defaults(), new SplittableRandom(42));
    long serve = timing.serveNanos(HOUR, null);
    long low = Long.MAX_VALUE;
    long high = Long.MIN_VALUE;
    for (int i = 0; i < 2_000; i++) {
      long at = timing.refreshOffsetNanos(HOUR, serve, null);
      assertThat(at).isBetween((long) (HOUR * (2.0 / 3 - 0.1)), (long) (HOUR * (2.0 / 3 + 0.1)));
      low = Math.min(low, at);
      high = Math.max(high, at);
    }
    assertThat(high - low).as("the draws cover most of the band").isGreaterThan(HOUR / 6);
  }

  @Test
  void refreshOffset_withoutJitter_isTheFractionExactly_andDrawsNothing() {
    Timing timing = new Timing(RefreshPolicy.builder().jitterFraction(0).build(), NEVER);
    long serve = timing.serveNanos(HOUR, null);
    assertThat(timing.refreshOffsetNanos(HOUR, serve, null)).isEqualTo((long) (HOUR * (2.0 / 3)));
    assertThat(timing.refreshOffsetNanos(HOUR, serve, Duration.ofMinutes(10)))
        .as("an earlier upstream hint wins")
        .isEqualTo(Duration.ofMinutes(10).toNanos());
  }

  @Test
  void serve_isTheLifetimeLessTheMargin_andNoLongerThanTheStaleHint() {
    Timing timing = new Timing(RefreshPolicy.defaults(), NEVER);
    assertThat(timing.serveNanos(HOUR, null)).isEqualTo(HOUR - 60 * SECOND);
    assertThat(timing.serveNanos(HOUR, Duration.ofMinutes(20)))
        .isEqualTo(Duration.ofMinutes(20).toNanos());
  }

  @Test
  void retryDelay_followsTheTransientOrTheTerminalCadence_withinItsCap() {
    Timing timing = new Timing(RefreshPolicy.defaults(), new SplittableRandom(1));
    for (int streak = 1; streak <= 12; streak++) {
      long transientCap = Math.min(60 * SECOND, SECOND << (streak - 1));
      long terminalCap = Math.min(300 * SECOND, 30 * SECOND << (streak - 1));
      for (int i = 0; i < 200; i++) {
        assertThat(timing.retryDelayNanos(TRANSIENT, streak, -1, -1))
            .isBetween(Schedule.MIN_RETRY_NANOS, transientCap);
        assertThat(timing.retryDelayNanos(TERMINAL, streak, -1, -1))
            .isBetween(Schedule.MIN_RETRY_NANOS, terminalCap);
      }
    }
  }

  @Test
  void retryDelay_honoursRetryAfterUpToItsCap_andNeverPassesTheEndOfService() {
    Timing timing = new Timing(RefreshPolicy.defaults(), new SplittableRandom(2));
    long fiveMinutes = Duration.ofMinutes(5).toNanos();
    assertThat(timing.retryDelayNanos(TRANSIENT, 1, fiveMinutes, -1)).isEqualTo(fiveMinutes);
    long maxHint = Schedule.nanos(RefreshPolicy.defaults().maxRetryAfter());
    assertThat(timing.retryDelayNanos(TRANSIENT, 1, Long.MAX_VALUE, -1)).isEqualTo(maxHint);
    long left = Duration.ofMinutes(2).toNanos();
    assertThat(timing.retryDelayNanos(TRANSIENT, 1, fiveMinutes, left)).isEqualTo(left / 2);
    long minute = Duration.ofMinutes(1).toNanos();
    assertThat(timing.throttleNanos(2 * minute, 10 * minute)).as("the hint").isEqualTo(2 * minute);
    assertThat(timing.throttleNanos(4 * minute, 3 * minute)).as("the delay").isEqualTo(3 * minute);
    assertThat(timing.throttleNanos(Long.MAX_VALUE, Long.MAX_VALUE)).isEqualTo(maxHint);
  }
}
