package dev.ephemera.testkit.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ScaledTimeTest {

  @Test
  void scheduledTasks_runAfterTheScaledDelay_andTheClockRunsFaster() throws Exception {
    try (ScaledTime time = ScaledTime.of(Instant.parse("2026-01-01T00:00:00Z"), 3600)) {
      CompletableFuture<Long> ranAt = new CompletableFuture<>();
      long start = time.nanoTime();
      // one scaled hour = one real second
      time.scheduler().schedule(() -> ranAt.complete(time.nanoTime()), Duration.ofMinutes(30));
      long elapsed = ranAt.get(10, TimeUnit.SECONDS) - start;
      assertThat(Duration.ofNanos(elapsed)).isGreaterThanOrEqualTo(Duration.ofMinutes(30));
      assertThat(time.now()).isAfter(Instant.parse("2026-01-01T00:29:59Z"));
      assertThat(time.toReal(Duration.ofHours(1))).isEqualTo(Duration.ofSeconds(1));
    }
  }

  @Test
  void speedMustBePositive() {
    assertThatThrownBy(() -> ScaledTime.of(Instant.EPOCH, 0)).hasMessageContaining("speed");
  }
}
