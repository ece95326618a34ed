package dev.ephemera.core.internal;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ephemera.core.refresh.Scheduler;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SharedSchedulerTest {

  private final SharedScheduler shared = SharedScheduler.instance();

  @Test
  void instance_isASingleton() {
    assertThat(SharedScheduler.instance()).isSameAs(shared);
    assertThat(Scheduler.shared()).isSameAs(shared);
  }

  @Test
  void workers_areBetweenTwoAndEight() {
    assertThat(SharedScheduler.WORKERS).isBetween(2, 8);
  }

  @Test
  void timerThread_isADaemonNamedEphemeraTimer() throws Exception {
    CompletableFuture<Thread> thread = new CompletableFuture<>();

    shared.schedule(() -> thread.complete(Thread.currentThread()), Duration.ZERO);

    Thread t = thread.get(5, SECONDS);
    assertThat(t.isDaemon()).isTrue();
    assertThat(t.getName()).startsWith("ephemera-timer-");
  }

  @Test
  void workerThreads_areDaemonsNamedEphemeraRefresh() throws Exception {
    CompletableFuture<Thread> thread = new CompletableFuture<>();

    shared.workers().execute(() -> thread.complete(Thread.currentThread()));

    Thread t = thread.get(5, SECONDS);
    assertThat(t.isDaemon()).isTrue();
    assertThat(t.getName()).startsWith("ephemera-refresh-");
  }

  @Test
  void auditThread_isADaemonNamedEphemeraAudit() throws Exception {
    CompletableFuture<Thread> thread = new CompletableFuture<>();

    shared.auditDelivery().execute(() -> thread.complete(Thread.currentThread()));

    Thread t = thread.get(5, SECONDS);
    assertThat(t.isDaemon()).isTrue();
    assertThat(t.getName()).startsWith("ephemera-audit-");
  }

  @Test
  void everyExecutorRunsOffTheCallersThread() throws Exception {
    Thread caller = Thread.currentThread();
    CompletableFuture<Thread> timer = new CompletableFuture<>();
    CompletableFuture<Thread> worker = new CompletableFuture<>();
    CompletableFuture<Thread> audit = new CompletableFuture<>();

    shared.schedule(() -> timer.complete(Thread.currentThread()), Duration.ZERO);
    shared.workers().execute(() -> worker.complete(Thread.currentThread()));
    shared.auditDelivery().execute(() -> audit.complete(Thread.currentThread()));

    assertThat(timer.get(5, SECONDS)).isNotSameAs(caller);
    assertThat(worker.get(5, SECONDS)).isNotSameAs(caller);
    assertThat(audit.get(5, SECONDS)).isNotSameAs(caller);
  }

  @Test
  void schedule_runsATaskAfterAShortDelay() throws Exception {
    CompletableFuture<String> ran = new CompletableFuture<>();

    shared.schedule(() -> ran.complete("done"), Duration.ofMillis(5));

    assertThat(ran.get(5, SECONDS)).isEqualTo("done");
  }

  @Test
  void schedule_withANegativeDelay_runsImmediately() throws Exception {
    CompletableFuture<String> ran = new CompletableFuture<>();

    shared.schedule(() -> ran.complete("done"), Duration.ofDays(-1));

    assertThat(ran.get(5, SECONDS)).isEqualTo("done");
  }

  @Test
  void cancel_removesThePendingTimerTask() {
    AtomicInteger runs = new AtomicInteger();
    int before = shared.pendingTimerTasks();

    Scheduler.Task task = shared.schedule(runs::incrementAndGet, Duration.ofHours(6));
    assertThat(shared.pendingTimerTasks()).isEqualTo(before + 1);

    task.cancel();

    assertThat(shared.pendingTimerTasks()).isEqualTo(before);
    assertThat(runs).hasValue(0);
  }

  @Test
  void cancel_isIdempotent() {
    int before = shared.pendingTimerTasks();
    Scheduler.Task task = shared.schedule(() -> {}, Duration.ofHours(6));

    task.cancel();
    task.cancel();

    assertThat(shared.pendingTimerTasks()).isEqualTo(before);
  }

  @Test
  void pendingTimerTasks_countsEveryScheduledTaskUntilCancelled() {
    int before = shared.pendingTimerTasks();
    Scheduler.Task a = shared.schedule(() -> {}, Duration.ofHours(6));
    Scheduler.Task b = shared.schedule(() -> {}, Duration.ofHours(7));
    Scheduler.Task c = shared.schedule(() -> {}, Duration.ofHours(8));

    assertThat(shared.pendingTimerTasks()).isEqualTo(before + 3);
    b.cancel();
    assertThat(shared.pendingTimerTasks()).isEqualTo(before + 2);
    a.cancel();
    c.cancel();
    assertThat(shared.pendingTimerTasks()).isEqualTo(before);
  }

  @Test
  void workers_runTasksConcurrently() throws Exception {
    CompletableFuture<Void> firstStarted = new CompletableFuture<>();
    CompletableFuture<Void> secondRan = new CompletableFuture<>();
    CompletableFuture<Boolean> firstSawSecond = new CompletableFuture<>();

    shared
        .workers()
        .execute(
            () -> {
              firstStarted.complete(null);
              try {
                secondRan.get(5, SECONDS);
                firstSawSecond.complete(true);
              } catch (Exception e) {
                firstSawSecond.complete(false);
              }
            });
    firstStarted.get(5, SECONDS);
    shared.workers().execute(() -> secondRan.complete(null));

    assertThat(firstSawSecond.get(10, SECONDS)).isTrue();
  }
}
