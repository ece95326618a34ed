package dev.ephemera.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The demo's clock: real speed while the pods start, then faster, with pending timers following.
 */
class DemoTimeTest {

  @Test
  void setSpeed_rearmsTimersSetAtRealSpeed_forTheNewSpeed() throws Exception {
    try (DemoTime time = new DemoTime(Instant.parse("2026-01-01T00:00:00Z"))) {
      CountDownLatch fired = new CountDownLatch(1);
      AtomicBoolean cancelledRan = new AtomicBoolean();
      time.scheduler().schedule(fired::countDown, Duration.ofHours(1)); // an hour at 1x
      time.scheduler().schedule(() -> cancelledRan.set(true), Duration.ofMinutes(30)).cancel();
      long before = time.nanoTime();

      time.setSpeed(100_000); // an hour is now 36 ms of real time

      assertThat(time.nanoTime()).isGreaterThanOrEqualTo(before);
      assertThat(fired.await(10, TimeUnit.SECONDS)).as("the hour-long timer fired").isTrue();
      assertThat(time.nanoTime()).isGreaterThanOrEqualTo(Duration.ofHours(1).toNanos());
      assertThat(cancelledRan).isFalse();
    }
  }

  @Test
  void clock_startsAtRealSpeed() {
    try (DemoTime time = new DemoTime(Instant.parse("2026-01-01T00:00:00Z"))) {
      assertThat(time.speed()).isEqualTo(1.0);
      assertThat(Duration.between(Instant.parse("2026-01-01T00:00:00Z"), time.now()))
          .isLessThan(Duration.ofSeconds(5));
    }
  }
}
