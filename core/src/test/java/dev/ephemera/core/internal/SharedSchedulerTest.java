package dev.ephemera.core.internal;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ephemera.core.audit.AuditEvent;
import dev.ephemera.core.audit.AuditEventType;
import dev.ephemera.core.audit.AuditListener;
import dev.ephemera.core.audit.AuditOutcome;
import dev.ephemera.core.audit.AuditPublisher;
import dev.ephemera.core.refresh.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;

class SharedSchedulerTest {

  private final SharedScheduler shared = SharedScheduler.instance();

  @Test
  void aDelayBeyondTheRangeOfNanoseconds_saturates_insteadOfThrowing() {
    java.util.concurrent.atomic.AtomicBoolean ran = new java.util.concurrent.atomic.AtomicBoolean();
    var task =
        SharedScheduler.instance()
            .schedule(() -> ran.set(true), java.time.Duration.ofDays(365L * 300));
    task.cancel();
    var forever =
        SharedScheduler.instance()
            .schedule(() -> ran.set(true), java.time.Duration.ofSeconds(Long.MAX_VALUE));
    forever.cancel();
    org.assertj.core.api.Assertions.assertThat(ran).isFalse();
  }

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

  // ---- the audit pool ----

  private static final LongFunction<AuditEvent> DROP_REPORT = SharedSchedulerTest::dropReport;

  private static AuditEvent dropReport(long n) {
    return AuditEvent.builder(AuditEventType.ANOMALY, AuditOutcome.FAILURE)
        .time(Instant.EPOCH)
        .attribute("dropped", Long.toString(n))
        .build();
  }

  private static AuditEvent event(String id) {
    return AuditEvent.builder(AuditEventType.ISSUED, AuditOutcome.SUCCESS)
        .id(id)
        .time(Instant.EPOCH)
        .build();
  }

  private static ThreadFactory daemons() {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "test-audit-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** Blocks until released, the first time it is called. */
  private static final class Blocking implements AuditListener {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release;

    Blocking(CountDownLatch release) {
      this.release = release;
    }

    @Override
    public void onEvent(AuditEvent event) {
      entered.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    void awaitEntered() throws InterruptedException {
      assertThat(entered.await(5, SECONDS)).as("the listener was called").isTrue();
    }
  }

  @Test
  void auditPool_isBoundedAt64Threads() {
    assertThat(SharedScheduler.AUDIT_THREADS).isEqualTo(64);
  }

  @Test
  void sharedAuditDelivery_aTaskBlockedForeverDoesNotDelayTheNext() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch blocked = new CountDownLatch(1);
    CompletableFuture<Thread> next = new CompletableFuture<>();
    try {
      shared
          .auditDelivery()
          .execute(
              () -> {
                blocked.countDown();
                try {
                  release.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      assertThat(blocked.await(5, SECONDS)).isTrue();

      shared.auditDelivery().execute(() -> next.complete(Thread.currentThread()));

      assertThat(next.get(5, SECONDS).getName()).startsWith("ephemera-audit-");
    } finally {
      release.countDown();
    }
  }

  @Test
  void auditPool_63ListenersBlockedForever_delayNoOther_andThe64thParksWorkUntilAThreadFrees()
      throws Exception {
    AuditExecutor pool = new AuditExecutor(64, daemons());
    List<CountDownLatch> releases = new ArrayList<>();
    try {
      for (int i = 0; i < 63; i++) {
        CountDownLatch release = new CountDownLatch(1);
        releases.add(release);
        Blocking stuck = new Blocking(release);
        new AuditPublisher(List.of(stuck), pool, 10, DROP_REPORT).publish(event("s" + i));
        stuck.awaitEntered();
      }
      BlockingQueue<String> quick = new LinkedBlockingQueue<>();
      AuditPublisher quickPublisher =
          new AuditPublisher(List.of(e -> quick.add(e.id())), pool, 10, DROP_REPORT);

      quickPublisher.publish(event("q1"));
      assertThat(quick.poll(5, SECONDS)).as("delivered beside 63 stuck listeners").isEqualTo("q1");
      assertThat(pool.threads()).isEqualTo(64);

      CountDownLatch lastRelease = new CountDownLatch(1);
      releases.add(lastRelease);
      Blocking the64th = new Blocking(lastRelease);
      new AuditPublisher(List.of(the64th), pool, 10, DROP_REPORT).publish(event("s63"));
      the64th.awaitEntered();
      quickPublisher.publish(event("q2"));

      assertThat(pool.largestThreads()).as("never more than the bound").isEqualTo(64);
      assertThat(pool.outstanding()).as("64 stuck and q2 waiting, not lost").isEqualTo(65);
      assertThat(quick).isEmpty();

      releases.get(0).countDown();
      assertThat(quick.poll(5, SECONDS)).as("runs once a thread frees up").isEqualTo("q2");
      assertThat(pool.largestThreads()).isEqualTo(64);
    } finally {
      releases.forEach(CountDownLatch::countDown);
    }
  }

  @Test
  void auditPool_atItsBound_parksTasksAndRunsThemAsThreadsFreeUp() throws Exception {
    AuditExecutor pool = new AuditExecutor(2, daemons());
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch bothBlocked = new CountDownLatch(2);
    try {
      for (int i = 0; i < 2; i++) {
        pool.execute(
            () -> {
              bothBlocked.countDown();
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
      }
      assertThat(bothBlocked.await(5, SECONDS)).isTrue();
      CountDownLatch ran = new CountDownLatch(10);
      for (int i = 0; i < 10; i++) {
        pool.execute(ran::countDown);
      }

      assertThat(pool.outstanding()).isEqualTo(12);
      assertThat(ran.getCount()).isEqualTo(10);

      release.countDown();
      assertThat(ran.await(5, SECONDS)).as("every parked task runs").isTrue();
      assertThat(pool.largestThreads()).isEqualTo(2);
    } finally {
      release.countDown();
    }
  }

  @Test
  void auditPool_tenThousandPublishersSharingAQuickListener_runOnAtMostTwoThreads()
      throws Exception {
    AuditExecutor pool = new AuditExecutor(64, daemons());
    int publishers = 10_000;
    CountDownLatch all = new CountDownLatch(publishers * 2);
    AuditListener quick = e -> all.countDown();
    List<AuditPublisher> list = new ArrayList<>();
    for (int i = 0; i < publishers; i++) {
      list.add(new AuditPublisher(List.of(quick), pool, 10, DROP_REPORT));
    }

    for (int round = 0; round < 2; round++) {
      for (AuditPublisher p : list) {
        p.publish(event("e" + round));
      }
    }

    assertThat(all.await(10, SECONDS)).as("every event delivered").isTrue();
    assertThat(pool.largestThreads()).isBetween(1, 2);
  }
}
