package dev.ephemera.examples.demo;

import dev.ephemera.core.audit.AuditEventType;
import dev.ephemera.core.audit.AuditListener;
import dev.ephemera.core.audit.AuditOutcome;
import dev.ephemera.core.audit.JsonLinesAuditListener;
import dev.ephemera.testkit.RecordingAuditListener;
import dev.ephemera.testkit.time.ScaledTime;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** Runs the story once: start, watch, inject an outage, close, summarize. */
final class Demo {
  /** How long the upstream outage lasts (scaled time); shorter than any credential's slack. */
  static final Duration OUTAGE = Duration.ofMinutes(10);

  private final DemoOptions options;
  private final PrintStream out;

  Demo(DemoOptions options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  DemoSummary run() throws Exception {
    RecordingAuditListener recorder = new RecordingAuditListener();
    CompactAudit compact = new CompactAudit(out, !options.table());
    List<AuditListener> listeners = new ArrayList<>(List.of(recorder, compact));
    OutputStream auditFile = null;
    JsonLinesAuditListener json = null;
    if (options.auditFile() != null) {
      auditFile = Files.newOutputStream(options.auditFile());
      json = JsonLinesAuditListener.to(auditFile);
      listeners.add(json);
    }
    List<Scenario> scenarios = new ArrayList<>();
    AtomicBoolean closed = new AtomicBoolean();
    ScheduledExecutorService callers =
        Executors.newScheduledThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "demo-workload");
              t.setDaemon(true);
              return t;
            });
    AtomicLong calls = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    List<String> firstErrors = new ArrayList<>();
    Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    try (ScaledTime time = ScaledTime.of(start, options.speed());
        DemoWorld world = new DemoWorld(time, listeners)) {
      out.printf(
          "Ephemera demo: %s of credential life at %.0fx (about %d s), backends %s%n",
          StatusTable.human(options.duration()),
          options.speed(),
          Math.max(1, options.realTime().toSeconds()),
          options.backends());
      for (String backend : options.backends()) {
        Scenario s = Scenarios.create(backend);
        scenarios.add(s);
        s.start(world);
      }
      List<Scenario.Watched> watched = new ArrayList<>();
      List<Scenario.Probe> probes = new ArrayList<>();
      scenarios.forEach(s -> watched.addAll(s.watched()));
      scenarios.forEach(s -> probes.addAll(s.probes()));

      // Pods start their workload once their first credentials are in (a readiness probe).
      awaitReady(watched);

      // The workload: every probe, every 20 ms of real time, through the vendor adapters.
      callers.scheduleWithFixedDelay(
          () -> {
            for (Scenario.Probe p : probes) {
              calls.incrementAndGet();
              try {
                p.call().run();
              } catch (Exception | Error e) {
                errors.incrementAndGet();
                synchronized (firstErrors) {
                  if (firstErrors.size() < 5) {
                    firstErrors.add(p.label() + ": " + e);
                  }
                }
              }
            }
          },
          0,
          20,
          TimeUnit.MILLISECONDS);

      // The outage: every credential endpoint answers 503 for a while, starting just before the
      // next scheduled refresh after the 45% mark, so refreshes fail; callers must not notice.
      Duration outageFrom = Duration.ofNanos((long) (options.duration().toNanos() * 0.45));
      if (options.duration().compareTo(OUTAGE.multipliedBy(3)) > 0) {
        time.scheduler()
            .schedule(
                () -> {
                  Instant now = time.now();
                  Instant next =
                      watched.stream()
                          .map(w -> w.source().status().nextRefreshAt())
                          .filter(t -> t != null && t.isAfter(now))
                          .min(Instant::compareTo)
                          .orElse(now);
                  Duration lead = Duration.between(now, next).minusMinutes(1);
                  time.scheduler()
                      .schedule(
                          () -> {
                            compact.onEvent(
                                marker(time, "upstream outage begins: every endpoint answers 503"));
                            scenarios.forEach(s -> s.outage(true));
                            time.scheduler()
                                .schedule(
                                    () -> {
                                      scenarios.forEach(s -> s.outage(false));
                                      compact.onEvent(marker(time, "upstream outage ends"));
                                    },
                                    OUTAGE);
                          },
                          lead.isNegative() ? Duration.ZERO : lead);
                },
                outageFrom);
      }

      Instant end = start.plus(options.duration());
      CountDownLatch done = new CountDownLatch(1);
      time.scheduler().schedule(done::countDown, options.duration());
      while (!done.await(250, TimeUnit.MILLISECONDS)) {
        if (options.table()) {
          String header =
              String.format(
                  "Ephemera demo  %s  (%s left)   calls %,d  errors %d",
                  time.now().truncatedTo(ChronoUnit.SECONDS),
                  StatusTable.human(max(Duration.ZERO, Duration.between(time.now(), end))),
                  calls.get(),
                  errors.get());
          out.print("\033[H\033[2J");
          out.print(StatusTable.render(watched, time.now(), header));
          out.println();
          compact.recent().forEach(out::println);
          out.flush();
        }
      }
      callers.shutdown();
      callers.awaitTermination(10, TimeUnit.SECONDS);
      if (options.table()) {
        out.print("\033[H\033[2J");
      }
      out.print(StatusTable.render(watched, time.now(), "Final status"));
      closeAll(scenarios, closed); // stop refreshing and revoke, while time still runs
    } finally {
      callers.shutdownNow();
      closeAll(scenarios, closed); // no-op when the run got that far; on failure, still revoke
      if (json != null) {
        json.close();
      }
    }
    List<String> problems = new ArrayList<>();
    for (Scenario s : scenarios) {
      s.check(recorder).forEach(p -> problems.add(s.backend() + ": " + p));
    }
    DemoSummary summary =
        new DemoSummary(
            recorder.count(AuditEventType.ISSUED),
            recorder.count(AuditEventType.RENEWED),
            recorder.count(AuditEventType.REFRESH_FAILED),
            recorder.count(AuditEventType.EXPIRED),
            recorder
                .matching(
                    e -> e.type() == AuditEventType.REVOKED && e.outcome() == AuditOutcome.SUCCESS)
                .size(),
            recorder.count(AuditEventType.SECRET_READ),
            calls.get(),
            errors.get(),
            problems);
    printSummary(summary, firstErrors);
    return summary;
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  private static void closeAll(List<Scenario> scenarios, AtomicBoolean closed) {
    if (closed.compareAndSet(false, true)) {
      scenarios.forEach(Scenario::close);
    }
  }

  private static void awaitReady(List<Scenario.Watched> watched) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    for (Scenario.Watched w : watched) {
      while (w.source().current().isEmpty() && System.nanoTime() < deadline) {
        TimeUnit.MILLISECONDS.sleep(5);
      }
    }
  }

  private static dev.ephemera.core.audit.AuditEvent marker(ScaledTime time, String what) {
    return dev.ephemera.core.audit.AuditEvent.builder(AuditEventType.ANOMALY, AuditOutcome.SUCCESS)
        .time(time.now())
        .source("demo")
        .attribute("anomaly", what)
        .build();
  }

  private void printSummary(DemoSummary s, List<String> firstErrors) {
    out.println();
    out.println("Summary");
    out.printf("  issued             %,d%n", s.issued());
    out.printf("  renewed            %,d%n", s.renewed());
    out.printf(
        "  failures survived  %,d  (refresh attempts that failed while callers kept working)%n",
        s.failuresSurvived());
    out.printf("  expired            %,d%n", s.expired());
    out.printf("  revoked            %,d%n", s.revoked());
    out.printf("  secret reads       %,d%n", s.secretReads());
    out.printf("  workload calls     %,d through the vendor SDK adapters%n", s.calls());
    out.printf("  callers with error %,d  (expected: 0)%n", s.callerErrors());
    firstErrors.forEach(e -> out.println("    " + e));
    if (options.auditFile() != null) {
      out.println("  audit stream       " + options.auditFile());
    }
    if (s.problems().isEmpty()) {
      out.println("  story              complete");
    } else {
      s.problems().forEach(p -> out.println("  MISSING            " + p));
    }
    out.println(s.ok() ? "OK" : "FAILED");
  }
}
