package dev.ephemera.testkit.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class VirtualTimeTest {
  private final VirtualTime time = VirtualTime.create();

  @Test
  void advance_runsDueTasksInOrder_withTheClockAtEachDueTime() {
    List<String> ran = new ArrayList<>();
    time.scheduler()
        .schedule(() -> ran.add("b@" + time.elapsed().toSeconds()), Duration.ofSeconds(20));
    time.scheduler()
        .schedule(() -> ran.add("a@" + time.elapsed().toSeconds()), Duration.ofSeconds(10));
    time.scheduler()
        .schedule(() -> ran.add("a2@" + time.elapsed().toSeconds()), Duration.ofSeconds(10));
    time.scheduler().schedule(() -> ran.add("late"), Duration.ofSeconds(31));
    time.advance(Duration.ofSeconds(30));
    assertThat(ran).containsExactly("a@10", "a2@10", "b@20");
    assertThat(time.elapsed()).isEqualTo(Duration.ofSeconds(30));
    assertThat(time.now()).isEqualTo(VirtualTime.DEFAULT_START.plusSeconds(30));
    assertThat(time.pendingTasks()).isEqualTo(1);
    assertThat(time.nextTaskIn()).contains(Duration.ofSeconds(1));
  }

  @Test
  void tasksScheduledByTasks_runInTheSameAdvance_whenDue() {
    List<Long> ran = new ArrayList<>();
    Runnable[] tick = new Runnable[1];
    tick[0] =
        () -> {
          ran.add(time.elapsed().toMinutes());
          time.scheduler().schedule(tick[0], Duration.ofMinutes(1));
        };
    time.scheduler().schedule(tick[0], Duration.ofMinutes(1));
    time.advance(Duration.ofHours(12));
    assertThat(ran).hasSize(720).startsWith(1L, 2L, 3L).endsWith(720L);
  }

  @Test
  void cancelledTasks_neverRun() {
    List<String> ran = new ArrayList<>();
    var task = time.scheduler().schedule(() -> ran.add("x"), Duration.ofSeconds(1));
    task.cancel();
    time.advance(Duration.ofSeconds(2));
    assertThat(ran).isEmpty();
    assertThat(time.pendingTasks()).isZero();
  }

  @Test
  void wallClockJump_movesTheClockButNotTheTicker() {
    long ticks = time.ticker().read();
    time.jumpWallClock(Duration.ofHours(-2));
    assertThat(time.ticker().read()).isEqualTo(ticks);
    assertThat(time.clock().instant())
        .isEqualTo(VirtualTime.DEFAULT_START.minus(Duration.ofHours(2)));
  }

  @Test
  void workersAndAuditDelivery_runInline() {
    Thread caller = Thread.currentThread();
    List<Thread> seen = new ArrayList<>();
    time.scheduler().workers().execute(() -> seen.add(Thread.currentThread()));
    time.scheduler().auditDelivery().execute(() -> seen.add(Thread.currentThread()));
    assertThat(seen).containsExactly(caller, caller);
  }

  @Test
  void timeOnlyMovesForward() {
    assertThatThrownBy(() -> time.advance(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    VirtualTime other = VirtualTime.startingAt(Instant.parse("2030-05-05T00:00:00Z"));
    other.advanceTo(Instant.parse("2030-05-05T01:00:00Z"));
    assertThat(other.elapsed()).isEqualTo(Duration.ofHours(1));
    other.advanceTo(Instant.parse("2030-05-05T00:30:00Z"));
    assertThat(other.elapsed()).isEqualTo(Duration.ofHours(1));
  }
}
