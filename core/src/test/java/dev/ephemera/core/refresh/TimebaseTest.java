package dev.ephemera.core.refresh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

class TimebaseTest {

  private static final Executor DIRECT = Runnable::run;

  private static final Scheduler NO_TIMER =
      new Scheduler() {
        @Override
        public Task schedule(Runnable task, Duration delay) {
          return () -> {};
        }

        @Override
        public Executor workers() {
          return DIRECT;
        }

        @Override
        public Executor auditDelivery() {
          return DIRECT;
        }
      };

  @Test
  void of_returnsTheGivenParts() {
    Clock clock = Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC);
    Ticker ticker = () -> 42L;

    Timebase timebase = Timebase.of(clock, ticker, NO_TIMER);

    assertThat(timebase.clock()).isSameAs(clock);
    assertThat(timebase.ticker()).isSameAs(ticker);
    assertThat(timebase.scheduler()).isSameAs(NO_TIMER);
    assertThat(timebase.ticker().read()).isEqualTo(42L);
  }

  @Test
  void of_rejectsNullPartsNamingThem() {
    Clock clock = Clock.systemUTC();
    Ticker ticker = Ticker.system();

    assertThatThrownBy(() -> Timebase.of(nullClock(), ticker, NO_TIMER))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("clock");
    assertThatThrownBy(() -> Timebase.of(clock, nullTicker(), NO_TIMER))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("ticker");
    assertThatThrownBy(() -> Timebase.of(clock, ticker, nullScheduler()))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("scheduler");
  }

  @Test
  void system_usesTheUtcClockTheSharedSchedulerAndAMonotonicTicker() {
    Timebase system = Timebase.system();

    assertThat(system.clock().getZone()).isEqualTo(ZoneOffset.UTC);
    assertThat(system.scheduler()).isSameAs(Scheduler.shared());
    long first = system.ticker().read();
    long second = system.ticker().read();
    assertThat(second - first).isNotNegative();
  }

  @Test
  void tickerSystem_readsNanoTime() {
    long before = System.nanoTime();
    long read = Ticker.system().read();
    long after = System.nanoTime();

    assertThat(read - before).isNotNegative();
    assertThat(after - read).isNotNegative();
  }

  @SuppressWarnings("NullAway")
  private static Clock nullClock() {
    return null;
  }

  @SuppressWarnings("NullAway")
  private static Ticker nullTicker() {
    return null;
  }

  @SuppressWarnings("NullAway")
  private static Scheduler nullScheduler() {
    return null;
  }
}
