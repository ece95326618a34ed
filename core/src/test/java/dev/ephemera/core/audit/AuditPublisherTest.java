package dev.ephemera.core.audit;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.ephemera.core.refresh.Scheduler;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongFunction;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AuditPublisherTest {

  private static final Instant TIME = Instant.parse("2030-01-01T00:00:00Z");
  private static final AuditHost HOST = new AuditHost("h", "", "", 1);
  private static final Executor DIRECT = Runnable::run;

  private ExecutorService single;
  private final List<Long> reportedLosses = new CopyOnWriteArrayList<>();
  private final LongFunction<AuditEvent> dropReport =
      lost -> {
        reportedLosses.add(lost);
        return AuditEvent.builder(AuditEventType.ANOMALY, AuditOutcome.FAILURE)
            .id("drop-report-" + lost)
            .time(TIME)
            .host(HOST)
            .attribute("dropped", Long.toString(lost))
            .build();
      };

  @BeforeEach
  void setUp() {
    single = Executors.newSingleThreadExecutor();
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    single.shutdownNow();
    assertThat(single.awaitTermination(5, SECONDS)).isTrue();
  }

  private static AuditEvent event(String id) {
    return AuditEvent.builder(AuditEventType.ISSUED, AuditOutcome.SUCCESS)
        .id(id)
        .time(TIME)
        .host(HOST)
        .build();
  }

  /** Records event ids, counting down once per event. */
  static final class Recorder implements AuditListener {
    final List<String> ids = new CopyOnWriteArrayList<>();
    final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final CountDownLatch latch;

    Recorder(int expected) {
      latch = new CountDownLatch(expected);
    }

    @Override
    public void onEvent(AuditEvent event) {
      ids.add(event.id());
      threads.add(Thread.currentThread());
      latch.countDown();
    }

    void await() throws InterruptedException {
      assertThat(latch.await(5, SECONDS)).as("events delivered in time").isTrue();
    }
  }

  private static List<String> ids(String prefix, int n) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(prefix + i);
    }
    return ids;
  }

  // ---- no listeners ----

  @Test
  void withoutListeners_publishIsANoOp() {
    AtomicInteger executions = new AtomicInteger();
    Executor counting =
        r -> {
          executions.incrementAndGet();
          r.run();
        };
    AuditPublisher dispatcher = new AuditPublisher(List.of(), counting, 1, dropReport);

    for (int i = 0; i < 10; i++) {
      dispatcher.publish(event("e" + i));
    }

    assertThat(dispatcher.active()).isFalse();
    assertThat(executions).hasValue(0);
    assertThat(dispatcher.dropped()).isZero();
    assertThat(reportedLosses).isEmpty();
  }

  @Test
  void withAListener_isActive() {
    assertThat(new AuditPublisher(List.of(e -> {}), DIRECT, 1, dropReport).active()).isTrue();
  }

  @Test
  void listenersList_isCopied() {
    List<AuditListener> listeners = new ArrayList<>();
    AuditPublisher dispatcher = new AuditPublisher(listeners, DIRECT, 10, dropReport);
    Recorder late = new Recorder(1);

    listeners.add(late);
    dispatcher.publish(event("a"));

    assertThat(dispatcher.active()).isFalse();
    assertThat(late.ids).isEmpty();
  }

  // ---- order ----

  @Test
  void directExecutor_deliversInOrderOnTheCallersThread() {
    Recorder recorder = new Recorder(3);
    AuditPublisher dispatcher = new AuditPublisher(List.of(recorder), DIRECT, 10, dropReport);

    dispatcher.publish(event("a"));
    dispatcher.publish(event("b"));
    dispatcher.publish(event("c"));

    assertThat(recorder.ids).containsExactly("a", "b", "c");
    assertThat(recorder.threads).containsOnly(Thread.currentThread());
  }

  @Test
  void singleThreadExecutor_deliversInOrderOffTheCallersThread() throws Exception {
    int n = 500;
    Recorder recorder = new Recorder(n);
    AuditPublisher dispatcher = new AuditPublisher(List.of(recorder), single, n, dropReport);

    for (String id : ids("e", n)) {
      dispatcher.publish(event(id));
    }

    recorder.await();
    assertThat(recorder.ids).containsExactlyElementsOf(ids("e", n));
    assertThat(recorder.threads).doesNotContain(Thread.currentThread());
    assertThat(dispatcher.dropped()).isZero();
  }

  @Test
  void everyListenerSeesEveryEventInOrder() throws Exception {
    Recorder first = new Recorder(50);
    Recorder second = new Recorder(50);
    AuditPublisher dispatcher = new AuditPublisher(List.of(first, second), single, 100, dropReport);

    for (String id : ids("e", 50)) {
      dispatcher.publish(event(id));
    }

    first.await();
    second.await();
    assertThat(first.ids).containsExactlyElementsOf(ids("e", 50));
    assertThat(second.ids).containsExactlyElementsOf(ids("e", 50));
  }

  @Test
  void concurrentPublishers_eachKeepTheirOwnOrderAndNothingIsLost() throws Exception {
    int publishers = 4;
    int perPublisher = 200;
    Recorder recorder = new Recorder(publishers * perPublisher);
    AuditPublisher dispatcher =
        new AuditPublisher(List.of(recorder), single, publishers * perPublisher, dropReport);
    ExecutorService pool = Executors.newFixedThreadPool(publishers);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int p = 0; p < publishers; p++) {
        String prefix = "p" + p + "-";
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  for (String id : ids(prefix, perPublisher)) {
                    dispatcher.publish(event(id));
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get(5, SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    recorder.await();
    assertThat(recorder.ids).hasSize(publishers * perPublisher);
    for (int p = 0; p < publishers; p++) {
      String prefix = "p" + p + "-";
      assertThat(recorder.ids.stream().filter(id -> id.startsWith(prefix)))
          .containsExactlyElementsOf(ids(prefix, perPublisher));
    }
    assertThat(dispatcher.dropped()).isZero();
  }

  @Test
  void aListenerThatPublishes_isNotReenteredAndOrderHolds() {
    AtomicInteger depth = new AtomicInteger();
    AtomicInteger maxDepth = new AtomicInteger();
    List<String> seen = new ArrayList<>();
    AuditPublisher[] holder = new AuditPublisher[1];
    AuditListener listener =
        e -> {
          maxDepth.accumulateAndGet(depth.incrementAndGet(), Math::max);
          seen.add(e.id());
          if (e.id().equals("a")) {
            holder[0].publish(event("a-follow-up"));
          }
          depth.decrementAndGet();
        };
    holder[0] = new AuditPublisher(List.of(listener), DIRECT, 10, dropReport);

    holder[0].publish(event("a"));
    holder[0].publish(event("b"));

    assertThat(seen).containsExactly("a", "a-follow-up", "b");
    assertThat(maxDepth).hasValue(1);
  }

  // ---- isolation ----

  @Test
  void throwingListener_isIsolatedAndCounted_directExecutor() {
    Recorder recorder = new Recorder(3);
    AuditListener thrower =
        e -> {
          throw new IllegalStateException("listener broke");
        };
    AuditPublisher dispatcher =
        new AuditPublisher(List.of(thrower, recorder), DIRECT, 10, dropReport);

    assertThatCode(
            () -> {
              dispatcher.publish(event("a"));
              dispatcher.publish(event("b"));
              dispatcher.publish(event("c"));
            })
        .doesNotThrowAnyException();

    assertThat(recorder.ids).containsExactly("a", "b", "c");
    assertThat(dispatcher.listenerFailures()).isEqualTo(3);
  }

  @Test
  void throwingListener_isIsolatedAndCounted_singleThreadExecutor() throws Exception {
    Recorder recorder = new Recorder(20);
    AuditListener sometimesThrows =
        e -> {
          if (Integer.parseInt(e.id().substring(1)) % 2 == 0) {
            throw new IllegalArgumentException("even");
          }
        };
    AuditPublisher dispatcher =
        new AuditPublisher(List.of(sometimesThrows, recorder), single, 100, dropReport);

    for (String id : ids("e", 20)) {
      dispatcher.publish(event(id));
    }

    recorder.await();
    assertThat(recorder.ids).containsExactlyElementsOf(ids("e", 20));
    // Listeners drain independently: the thrower may still be at work when the recorder is done.
    dispatcher.flush().get(10, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(dispatcher.listenerFailures()).isEqualTo(10);
  }

  @Test
  void listenerThrowingAnError_isIsolatedToo() {
    Recorder recorder = new Recorder(1);
    AuditListener assertionFailure =
        e -> {
          throw new AssertionError("not a VirtualMachineError");
        };
    AuditPublisher dispatcher =
        new AuditPublisher(List.of(assertionFailure, recorder), DIRECT, 10, dropReport);

    assertThatCode(() -> dispatcher.publish(event("a"))).doesNotThrowAnyException();

    assertThat(recorder.ids).containsExactly("a");
    assertThat(dispatcher.listenerFailures()).isEqualTo(1);
  }

  @Test
  void throwingListener_doesNotStopLaterDeliveries() throws Exception {
    Recorder recorder = new Recorder(2);
    AtomicInteger calls = new AtomicInteger();
    AuditListener throwsOnce =
        e -> {
          if (calls.incrementAndGet() == 1) {
            throw new RuntimeException("first");
          }
        };
    AuditPublisher dispatcher =
        new AuditPublisher(List.of(throwsOnce, recorder), single, 10, dropReport);

    dispatcher.publish(event("a"));
    dispatcher.publish(event("b"));

    recorder.await();
    dispatcher.flush().get(5, SECONDS); // the listeners drain independently
    assertThat(calls).hasValue(2);
    assertThat(dispatcher.listenerFailures()).isEqualTo(1);
  }

  // ---- capacity and drops ----

  @Test
  void fullQueue_dropsAreCountedAndReportedOnceAfterTheQueueDrains() throws Exception {
    int capacity = 2;
    CountDownLatch entered = new CountDownLatch(1);
    CompletableFuture<Void> release = new CompletableFuture<>();
    List<String> seen = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> reportDelivered = new CompletableFuture<>();
    CompletableFuture<Void> afterDelivered = new CompletableFuture<>();
    AuditListener blocking =
        e -> {
          seen.add(e.id());
          if (e.id().equals("e0")) {
            entered.countDown();
            release.join();
          }
          if (e.type() == AuditEventType.ANOMALY) {
            reportDelivered.complete(null);
          }
          if (e.id().equals("after")) {
            afterDelivered.complete(null);
          }
        };
    AuditPublisher dispatcher = new AuditPublisher(List.of(blocking), single, capacity, dropReport);

    dispatcher.publish(event("e0"));
    assertThat(entered.await(5, SECONDS)).isTrue();
    for (int i = 1; i <= 5; i++) {
      dispatcher.publish(event("e" + i));
    }

    assertThat(dispatcher.dropped()).isEqualTo(3);
    assertThat(reportedLosses).isEmpty();

    release.complete(null);
    reportDelivered.get(5, SECONDS);
    dispatcher.publish(event("after"));
    afterDelivered.get(5, SECONDS);

    assertThat(seen).containsExactly("e0", "e1", "e2", "drop-report-3", "after");
    assertThat(reportedLosses).containsExactly(3L);
    assertThat(dispatcher.dropped()).isEqualTo(3);
  }

  @Test
  void directExecutor_dropsWhatAReentrantListenerPublishesBeyondCapacity() {
    List<String> seen = new ArrayList<>();
    AuditPublisher[] holder = new AuditPublisher[1];
    AuditListener listener =
        e -> {
          seen.add(e.id());
          if (e.id().equals("e0")) {
            holder[0].publish(event("e1"));
            holder[0].publish(event("e2"));
            holder[0].publish(event("e3"));
          }
        };
    holder[0] = new AuditPublisher(List.of(listener), DIRECT, 1, dropReport);

    holder[0].publish(event("e0"));

    assertThat(seen).containsExactly("e0", "e1", "drop-report-2");
    assertThat(holder[0].dropped()).isEqualTo(2);
    assertThat(reportedLosses).containsExactly(2L);
  }

  @Test
  void noDrops_noReport() throws Exception {
    Recorder recorder = new Recorder(10);
    AuditPublisher dispatcher = new AuditPublisher(List.of(recorder), single, 10, dropReport);

    for (String id : ids("e", 10)) {
      dispatcher.publish(event(id));
    }
    recorder.await();

    CompletableFuture<Void> barrier = new CompletableFuture<>();
    single.execute(() -> barrier.complete(null));
    barrier.get(5, SECONDS);
    assertThat(reportedLosses).isEmpty();
    assertThat(recorder.ids).doesNotContain("drop-report-0");
  }

  // ---- rejected execution ----

  @Test
  void publish_neverThrowsWhenTheExecutorRejects_andDeliversOnceItAccepts() {
    AtomicInteger attempts = new AtomicInteger();
    Executor rejectsFirst =
        r -> {
          if (attempts.incrementAndGet() == 1) {
            throw new RejectedExecutionException("shutting down");
          }
          r.run();
        };
    Recorder recorder = new Recorder(2);
    AuditPublisher dispatcher = new AuditPublisher(List.of(recorder), rejectsFirst, 10, dropReport);

    assertThatCode(() -> dispatcher.publish(event("a"))).doesNotThrowAnyException();
    assertThat(recorder.ids).isEmpty();

    dispatcher.publish(event("b"));

    assertThat(recorder.ids).containsExactly("a", "b");
  }

  @Test
  void publish_onAShutDownExecutor_neverThrowsAndBoundsTheQueue() {
    ExecutorService dead = Executors.newSingleThreadExecutor();
    dead.shutdown();
    AuditPublisher dispatcher = new AuditPublisher(List.of(e -> {}), dead, 3, dropReport);

    assertThatCode(
            () -> {
              for (int i = 0; i < 10; i++) {
                dispatcher.publish(event("e" + i));
              }
            })
        .doesNotThrowAnyException();
    assertThat(dispatcher.dropped()).isEqualTo(7);
  }

  @Test
  void counters_startAtZero() {
    AuditPublisher dispatcher =
        new AuditPublisher(Collections.singletonList(e -> {}), DIRECT, 1, dropReport);

    assertThat(dispatcher.dropped()).isZero();
    assertThat(dispatcher.listenerFailures()).isZero();
  }

  @Test
  void flush_completesOnceEveryEarlierEventIsDelivered() throws Exception {
    java.util.concurrent.ExecutorService delivery =
        java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
      java.util.List<AuditEvent> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
      AuditPublisher publisher =
          new AuditPublisher(
              java.util.List.of(
                  e -> {
                    try {
                      gate.await(5, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (InterruptedException ex) {
                      Thread.currentThread().interrupt();
                    }
                    seen.add(e);
                  }),
              delivery,
              100,
              n ->
                  AuditEvent.builder(AuditEventType.ANOMALY, AuditOutcome.FAILURE)
                      .time(java.time.Instant.EPOCH)
                      .build());
      for (int i = 0; i < 3; i++) {
        publisher.publish(
            AuditEvent.builder(AuditEventType.ISSUED, AuditOutcome.SUCCESS)
                .time(java.time.Instant.EPOCH)
                .build());
      }
      java.util.concurrent.CompletableFuture<Void> flushed = publisher.flush();
      assertThat(flushed).isNotDone();
      gate.countDown();
      flushed.get(5, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(seen).hasSize(3);
      assertThat(new AuditPublisher(java.util.List.of(), delivery, 1, n -> seen.get(0)).flush())
          .isDone();
    } finally {
      delivery.shutdownNow();
    }
  }

  // ---- isolation of every listener from every other (issue 10, item 3) ----

  /** Records every event it is given, in order, for bounded polling. */
  static final class Inbox implements AuditListener {
    final BlockingQueue<String> ids = new LinkedBlockingQueue<>();

    @Override
    public void onEvent(AuditEvent event) {
      ids.add(event.id());
    }

    String next() throws InterruptedException {
      String id = ids.poll(5, SECONDS);
      assertThat(id).as("an event within 5 s").isNotNull();
      return id;
    }
  }

  /** Blocks in every call until released; records what it was given. */
  static final class Stuck implements AuditListener {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final Queue<String> ids = new ConcurrentLinkedQueue<>();
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public void onEvent(AuditEvent event) {
      calls.incrementAndGet();
      ids.add(event.id());
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

  @SuppressWarnings({"unchecked", "TypeParameterUnusedInFormals"})
  private static <T extends Throwable> RuntimeException sneakyThrow(Throwable t) throws T {
    throw (T) t;
  }

  private static List<String> concat(List<String> head, String... tail) {
    List<String> all = new ArrayList<>(head);
    all.addAll(List.of(tail));
    return all;
  }

  @Test
  void stuckListener_losesOnlyItsOwnEvents_andTheOthersHearOfTheLossAtOnce() throws Exception {
    Stuck stuck = new Stuck();
    Inbox other = new Inbox();
    AuditPublisher publisher =
        new AuditPublisher(
            List.of(stuck, other), Scheduler.shared().auditDelivery(), 10, dropReport);
    try {
      publisher.publish(event("e0"));
      stuck.awaitEntered();
      assertThat(other.next()).isEqualTo("e0");
      for (int i = 1; i < 100; i++) {
        publisher.publish(event("e" + i));
        if (i == 11) {
          // e0 is in the stuck listener, e1..e10 fill its queue: e11 is its first loss
          assertThat(other.next()).isEqualTo("drop-report-1");
        }
        assertThat(other.next()).isEqualTo("e" + i);
      }

      assertThat(other.ids).as("nothing else reached the other listener").isEmpty();
      assertThat(publisher.dropped()).isEqualTo(89);
      assertThat(publisher.dropped(stuck)).isEqualTo(89);
      assertThat(publisher.dropped(other)).isZero();
      assertThat(publisher.dropped(e -> {})).as("not a listener of this publisher").isZero();
      assertThat(reportedLosses).containsExactly(1L);
      assertThat(stuck.calls).hasValue(1);
      CompletableFuture<Void> flushed = publisher.flush();
      assertThat(flushed).isNotDone();

      stuck.release.countDown();
      flushed.get(5, SECONDS);

      assertThat(stuck.ids).containsExactlyElementsOf(concat(ids("e", 11), "drop-report-89"));
      assertThat(reportedLosses).containsExactly(1L, 89L);
      assertThat(publisher.dropped()).isEqualTo(89);
      assertThat(publisher.listenerFailures()).isZero();
    } finally {
      stuck.release.countDown();
    }
  }

  @Test
  void stuckListener_sharedByManyPublishers_holdsOneThreadOfAUserPool() throws Exception {
    ExecutorService two = Executors.newFixedThreadPool(2);
    try {
      stuckListenerSharedBy20Publishers_doesNotDelayAnUnrelatedPublisher(two);
    } finally {
      two.shutdownNow();
    }
  }

  @Test
  void stuckListener_sharedByManyPublishers_doesNotDelayAnUnrelatedPublisherOnTheSharedPool()
      throws Exception {
    stuckListenerSharedBy20Publishers_doesNotDelayAnUnrelatedPublisher(
        Scheduler.shared().auditDelivery());
  }

  private void stuckListenerSharedBy20Publishers_doesNotDelayAnUnrelatedPublisher(Executor delivery)
      throws Exception {
    Stuck stuck = new Stuck();
    List<AuditPublisher> sharing = new ArrayList<>();
    try {
      for (int i = 0; i < 20; i++) {
        AuditPublisher p = new AuditPublisher(List.of(stuck), delivery, 10, dropReport);
        sharing.add(p);
        p.publish(event("s" + i));
      }
      stuck.awaitEntered();
      Inbox unrelated = new Inbox();
      AuditPublisher other = new AuditPublisher(List.of(unrelated), delivery, 10, dropReport);

      other.publish(event("x"));

      assertThat(unrelated.next()).isEqualTo("x");
      assertThat(stuck.calls).as("one call, so one thread, holds the stuck listener").hasValue(1);

      stuck.release.countDown();
      for (AuditPublisher p : sharing) {
        p.flush().get(5, SECONDS);
      }
      assertThat(stuck.ids).containsExactlyInAnyOrderElementsOf(ids("s", 20));
      assertThat(sharing.stream().mapToLong(AuditPublisher::dropped).sum()).isZero();
    } finally {
      stuck.release.countDown();
    }
  }

  @Test
  void listenerThrowingACheckedException_doesNotSilenceTheListenersAfterIt_directExecutor() {
    AtomicInteger calls = new AtomicInteger();
    Recorder after = new Recorder(3);
    AuditListener sneaky =
        e -> {
          calls.incrementAndGet();
          throw AuditPublisherTest.<RuntimeException>sneakyThrow(new IOException("disk full"));
        };
    AuditPublisher publisher = new AuditPublisher(List.of(sneaky, after), DIRECT, 10, dropReport);

    assertThatCode(
            () -> {
              publisher.publish(event("a"));
              publisher.publish(event("b"));
              publisher.publish(event("c"));
            })
        .doesNotThrowAnyException();

    assertThat(after.ids).containsExactly("a", "b", "c");
    assertThat(calls).as("the throwing listener keeps being called").hasValue(3);
    assertThat(publisher.listenerFailures()).isEqualTo(3);
    assertThat(publisher.dropped()).isZero();
  }

  @Test
  void listenerThrowingACheckedException_doesNotSilenceTheListenersAfterIt_singleThread()
      throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Recorder after = new Recorder(3);
    AuditListener sneaky =
        e -> {
          calls.incrementAndGet();
          throw AuditPublisherTest.<RuntimeException>sneakyThrow(new IOException("disk full"));
        };
    AuditPublisher publisher = new AuditPublisher(List.of(sneaky, after), single, 10, dropReport);

    publisher.publish(event("a"));
    publisher.publish(event("b"));
    publisher.publish(event("c"));
    publisher.flush().get(5, SECONDS);

    assertThat(after.ids).containsExactly("a", "b", "c");
    assertThat(calls).hasValue(3);
    assertThat(publisher.listenerFailures()).isEqualTo(3);
  }

  @Test
  void oneListenerSharedBy50Publishers_isNeverCalledConcurrently() throws Exception {
    int publishers = 50;
    int perPublisher = 20;
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger maxInFlight = new AtomicInteger();
    Queue<String> seen = new ConcurrentLinkedQueue<>();
    CountDownLatch all = new CountDownLatch(publishers * perPublisher);
    AuditListener shared =
        e -> {
          maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
          seen.add(e.id());
          for (int i = 0; i < 200; i++) {
            Thread.onSpinWait(); // widen the window a concurrent call would fall into
          }
          inFlight.decrementAndGet();
          all.countDown();
        };
    ExecutorService four = Executors.newFixedThreadPool(4);
    ExecutorService callers = Executors.newFixedThreadPool(4);
    try {
      List<AuditPublisher> list = new ArrayList<>();
      for (int p = 0; p < publishers; p++) {
        list.add(new AuditPublisher(List.of(shared), four, perPublisher, dropReport));
      }
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int caller = t;
        futures.add(
            callers.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < perPublisher; i++) {
                    for (int p = caller; p < publishers; p += 4) {
                      list.get(p).publish(event("p" + p + "-" + i));
                    }
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get(5, SECONDS);
      }

      assertThat(all.await(10, SECONDS)).as("every event delivered").isTrue();
      assertThat(maxInFlight).as("calls at once into the shared listener").hasValue(1);
      assertThat(seen).hasSize(publishers * perPublisher);
      for (int p = 0; p < publishers; p++) {
        String prefix = "p" + p + "-";
        assertThat(seen.stream().filter(id -> id.startsWith(prefix)))
            .containsExactlyElementsOf(ids(prefix, perPublisher));
      }
      assertThat(list.stream().mapToLong(AuditPublisher::dropped).sum()).isZero();
    } finally {
      callers.shutdownNow();
      four.shutdownNow();
    }
  }

  @Test
  void inlineExecutor_aSharedListenerThatPublishesToAnotherPublisher_doesNotDeadlock() {
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger maxInFlight = new AtomicInteger();
    List<String> seen = new CopyOnWriteArrayList<>();
    AuditPublisher[] second = new AuditPublisher[1];
    AuditListener shared =
        e -> {
          maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
          seen.add(e.id());
          if (e.id().equals("a")) {
            second[0].publish(event("b")); // into the gate this very call holds
          }
          inFlight.decrementAndGet();
        };
    AuditPublisher first = new AuditPublisher(List.of(shared), DIRECT, 10, dropReport);
    second[0] = new AuditPublisher(List.of(shared), DIRECT, 10, dropReport);

    first.publish(event("a"));
    assertThat(seen).containsExactly("a", "b");
    second[0].publish(event("c"));
    first.publish(event("d"));

    assertThat(seen).containsExactly("a", "b", "c", "d");
    assertThat(maxInFlight).hasValue(1);
    assertThat(first.flush()).isDone();
    assertThat(second[0].flush()).isDone();
  }

  @Test
  void flush_waitsForEveryListener_andCompletesOnceTheSlowOneIsDone() throws Exception {
    Stuck slow = new Stuck();
    Inbox quick = new Inbox();
    ExecutorService two = Executors.newFixedThreadPool(2);
    try {
      AuditPublisher publisher = new AuditPublisher(List.of(quick, slow), two, 10, dropReport);
      publisher.publish(event("a"));
      slow.awaitEntered();
      assertThat(quick.next()).isEqualTo("a");

      CompletableFuture<Void> flushed = publisher.flush();
      assertThat(flushed).isNotDone();
      slow.release.countDown();

      flushed.get(5, SECONDS);
      assertThat(slow.ids).containsExactly("a");
    } finally {
      slow.release.countDown();
      two.shutdownNow();
    }
  }

  @Test
  void thousandPublishersSharingAQuickListener_onTheSharedPool_useAtMostTwoAuditThreads()
      throws Exception {
    int publishers = 1_000;
    int perPublisher = 10;
    Set<Thread> before = auditThreads();
    Set<Thread> used = ConcurrentHashMap.newKeySet();
    CountDownLatch all = new CountDownLatch(publishers * perPublisher);
    AuditListener quick =
        e -> {
          used.add(Thread.currentThread());
          all.countDown();
        };
    Executor shared = Scheduler.shared().auditDelivery();
    List<AuditPublisher> list = new ArrayList<>();
    for (int p = 0; p < publishers; p++) {
      list.add(new AuditPublisher(List.of(quick), shared, perPublisher, dropReport));
    }

    for (int i = 0; i < perPublisher; i++) {
      for (AuditPublisher p : list) {
        p.publish(event("e" + i));
      }
    }
    assertThat(all.await(10, SECONDS)).as("every event delivered").isTrue();
    for (AuditPublisher p : list) {
      p.flush().get(5, SECONDS);
    }

    Set<Thread> started = auditThreads();
    started.removeAll(before);
    assertThat(started).as("audit threads this started").hasSizeLessThanOrEqualTo(2);
    assertThat(used)
        .as("threads that ran the listener")
        .allSatisfy(t -> assertThat(t.getName()).startsWith("ephemera-audit-"))
        .hasSizeLessThanOrEqualTo(Math.max(2, before.size()));
    assertThat(list.stream().mapToLong(AuditPublisher::dropped).sum()).isZero();
  }

  private static Set<Thread> auditThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("ephemera-audit-"))
        .collect(Collectors.toSet());
  }
}
