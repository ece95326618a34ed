package dev.ephemera.core.refresh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ephemera.core.BearerToken;
import dev.ephemera.core.CredentialSources;
import dev.ephemera.core.audit.AuditEventType;
import dev.ephemera.core.internal.SharedScheduler;
import dev.ephemera.core.testing.RecordingListener;
import dev.ephemera.core.testing.ScriptedIssuer;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The shared scheduler on real threads: the bounded-thread promise and audit isolation. Waits are
 * bounded future/latch waits on real work, never sleeps.
 */
class SharedSchedulerIsolationTest {

  @Test
  void tenThousandSources_addNoThreadsBeyondTheSharedTimerPoolAndAuditThread() throws Exception {
    Clock clock = Clock.systemUTC();
    var threads = ManagementFactory.getThreadMXBean();
    SharedScheduler shared = SharedScheduler.instance();
    int pendingBefore = shared.pendingTimerTasks();
    int before = threads.getThreadCount();
    List<RefreshingCredentialSource<BearerToken>> sources = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      sources.add(
          CredentialSources.refreshing(new ScriptedIssuer(clock))
              .timebase(Timebase.system())
              .build());
    }
    for (var s : sources) {
      assertThat(s.getAsync().get(60, TimeUnit.SECONDS)).isNotNull();
    }
    int during = threads.getThreadCount();
    assertThat(during - before)
        .as("timer + worker pool + audit thread, whatever the number of sources")
        .isLessThanOrEqualTo(SharedScheduler.WORKERS + 2);
    sources.forEach(RefreshingCredentialSource::close);
    assertThat(shared.pendingTimerTasks()).as("close cancels every timer").isEqualTo(pendingBefore);
  }

  @Test
  void blockingAndThrowingListeners_changeNothingForCallers_andDropsAreReported() throws Exception {
    CountDownLatch unblock = new CountDownLatch(1);
    CountDownLatch dropReported = new CountDownLatch(1);
    CountDownLatch issuedSeenWhileBlocked = new CountDownLatch(1);
    RecordingListener recorder = new RecordingListener();
    ScriptedIssuer issuer = new ScriptedIssuer(Clock.systemUTC());
    var source =
        CredentialSources.refreshing(issuer)
            .timebase(Timebase.system())
            .auditQueueCapacity(8)
            .auditListener(
                e -> {
                  try {
                    unblock.await(30, TimeUnit.SECONDS);
                  } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                  }
                })
            .auditListener(
                e -> {
                  throw new IllegalStateException("broken sink");
                })
            .auditListener(recorder)
            .auditListener(
                e -> {
                  if (e.type() == AuditEventType.ISSUED) {
                    issuedSeenWhileBlocked.countDown();
                  }
                  if ("audit-events-dropped".equals(e.attributes().get("anomaly"))) {
                    dropReported.countDown();
                  }
                })
            .build();
    try {
      assertThat(source.getAsync().get(10, TimeUnit.SECONDS)).isNotNull(); // the prefetch
      for (int i = 0; i < 50; i++) {
        assertThat(source.refresh().get(10, TimeUnit.SECONDS)).isNotNull();
        assertThat(source.get()).isNotNull();
      }
      assertThat(issuer.issued()).isEqualTo(51);
      assertThat(issuedSeenWhileBlocked.await(30, TimeUnit.SECONDS))
          .as("another listener gets events while the first one is still blocked")
          .isTrue();
      assertThat(dropReported.await(30, TimeUnit.SECONDS))
          .as("the blocked listener's losses are reported to the others while it stays blocked")
          .isTrue();
      assertThat(source.status().auditEventsDropped())
          .as("the blocked listener's losses, visible without any listener")
          .isPositive();
      unblock.countDown();
    } finally {
      unblock.countDown();
      source.close();
    }
  }

  @Test
  void close_deliversItsAuditEventsBeforeReturning_soAFileClosedNextIsComplete() {
    RecordingListener recorder = new RecordingListener();
    var source =
        CredentialSources.refreshing(new ScriptedIssuer(Clock.systemUTC()))
            .timebase(Timebase.system())
            .auditListener(recorder)
            .build();
    source.get();
    source.close();
    assertThat(recorder.events())
        .last()
        .satisfies(e -> assertThat(e.type()).isEqualTo(AuditEventType.CLOSED));
  }

  @Test
  void close_waitsForABlockedListenerOnlyBoundedly() throws Exception {
    CountDownLatch unblock = new CountDownLatch(1);
    var source =
        CredentialSources.refreshing(new ScriptedIssuer(Clock.systemUTC()))
            .timebase(Timebase.system())
            .auditListener(
                e -> {
                  try {
                    unblock.await(30, TimeUnit.SECONDS);
                  } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                  }
                })
            .build();
    try {
      assertThat(source.getAsync().get(10, TimeUnit.SECONDS)).isNotNull();
      long start = System.nanoTime();
      source.close();
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(tookMs).isBetween(1_500L, 10_000L);
    } finally {
      unblock.countDown();
    }
  }
}
