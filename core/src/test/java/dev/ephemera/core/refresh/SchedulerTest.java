package dev.ephemera.core.refresh;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ephemera.core.internal.SharedScheduler;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SchedulerTest {

  /** A timer that remembers every delay it was asked for. */
  static final class RecordingTimer extends ScheduledThreadPoolExecutor {
    final List<Long> delaysNanos = new CopyOnWriteArrayList<>();

    RecordingTimer() {
      super(1);
      setRemoveOnCancelPolicy(true);
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
      delaysNanos.add(unit.toNanos(delay));
      return super.schedule(command, delay, unit);
    }
  }

  private RecordingTimer timer;
  private ExecutorService workers;
  private ExecutorService audit;

  @BeforeEach
  void setUp() {
    timer = new RecordingTimer();
    workers = Executors.newSingleThreadExecutor();
    audit = Executors.newSingleThreadExecutor();
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    timer.shutdownNow();
    workers.shutdownNow();
    audit.shutdownNow();
    assertThat(timer.awaitTermination(5, SECONDS)).isTrue();
  }

  @Test
  void of_returnsTheGivenExecutors() {
    Scheduler scheduler = Scheduler.of(timer, workers, audit);

    assertThat(scheduler.workers()).isSameAs(workers);
    assertThat(scheduler.auditDelivery()).isSameAs(audit);
  }

  @Test
  void schedule_runsTheTaskOnTheTimer() throws Exception {
    Scheduler scheduler = Scheduler.of(timer, workers, audit);
    CompletableFuture<String> ran = new CompletableFuture<>();

    scheduler.schedule(() -> ran.complete("ran"), Duration.ofMillis(1));

    assertThat(ran.get(5, SECONDS)).isEqualTo("ran");
    assertThat(timer.delaysNanos).containsExactly(Duration.ofMillis(1).toNanos());
  }

  @Test
  void schedule_passesTheDelayInNanoseconds() {
    Scheduler scheduler = Scheduler.of(timer, workers, audit);

    Scheduler.Task task = scheduler.schedule(() -> {}, Duration.ofMinutes(90).plusNanos(7));
    task.cancel();

    assertThat(timer.delaysNanos).containsExactly(Duration.ofMinutes(90).plusNanos(7).toNanos());
  }

  @Test
  void schedule_withZeroOrNegativeDelay_runsImmediately() throws Exception {
    Scheduler scheduler = Scheduler.of(timer, workers, audit);
    CompletableFuture<Void> zero = new CompletableFuture<>();
    CompletableFuture<Void> negative = new CompletableFuture<>();

    scheduler.schedule(() -> zero.complete(null), Duration.ZERO);
    scheduler.schedule(() -> negative.complete(null), Duration.ofSeconds(-30));

    zero.get(5, SECONDS);
    negative.get(5, SECONDS);
    assertThat(timer.delaysNanos).containsExactly(0L, 0L);
  }

  @Test
  void cancel_stopsATaskThatHasNotRun() throws Exception {
    Scheduler scheduler = Scheduler.of(timer, workers, audit);
    AtomicInteger runs = new AtomicInteger();

    Scheduler.Task task = scheduler.schedule(runs::incrementAndGet, Duration.ofHours(1));
    assertThat(timer.getQueue()).hasSize(1);
    Future<?> queued = (Future<?>) Objects.requireNonNull(timer.getQueue().peek());

    task.cancel();

    assertThat(queued.isCancelled()).isTrue();
    assertThat(timer.getQueue()).isEmpty();
    assertThat(runs).hasValue(0);
  }

  @Test
  void cancel_isIdempotentAndHarmlessAfterTheTaskRan() throws Exception {
    Scheduler scheduler = Scheduler.of(timer, workers, audit);
    CompletableFuture<Void> ran = new CompletableFuture<>();

    Scheduler.Task task = scheduler.schedule(() -> ran.complete(null), Duration.ZERO);
    ran.get(5, SECONDS);

    task.cancel();
    task.cancel();
    Scheduler.Task pending = scheduler.schedule(() -> {}, Duration.ofHours(1));
    pending.cancel();
    pending.cancel();

    assertThat(timer.getQueue()).isEmpty();
  }

  @Test
  void cancel_doesNotInterruptATaskThatIsRunning() throws Exception {
    Scheduler scheduler = Scheduler.of(timer, workers, audit);
    CompletableFuture<Void> started = new CompletableFuture<>();
    CompletableFuture<Void> release = new CompletableFuture<>();
    CompletableFuture<Boolean> interrupted = new CompletableFuture<>();

    Scheduler.Task task =
        scheduler.schedule(
            () -> {
              started.complete(null);
              try {
                release.get(5, SECONDS);
                interrupted.complete(false);
              } catch (InterruptedException e) {
                interrupted.complete(true);
              } catch (Exception e) {
                interrupted.completeExceptionally(e);
              }
            },
            Duration.ZERO);
    started.get(5, SECONDS);

    task.cancel();
    release.complete(null);

    assertThat(interrupted.get(5, SECONDS)).isFalse();
  }

  @Test
  void of_rejectsNullPartsNamingThem() {
    Executor direct = Runnable::run;

    assertThatThrownBy(() -> Scheduler.of(nullTimer(), direct, direct))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("timer");
    assertThatThrownBy(() -> Scheduler.of(timer, nullExecutor(), direct))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("workers");
    assertThatThrownBy(() -> Scheduler.of(timer, direct, nullExecutor()))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("auditDelivery");
  }

  @Test
  void shared_isTheJvmWideSharedScheduler() {
    assertThat(Scheduler.shared())
        .isSameAs(SharedScheduler.instance())
        .isSameAs(Scheduler.shared());
  }

  @SuppressWarnings("NullAway")
  private static ScheduledThreadPoolExecutor nullTimer() {
    return null;
  }

  @SuppressWarnings("NullAway")
  private static Executor nullExecutor() {
    return null;
  }
}
