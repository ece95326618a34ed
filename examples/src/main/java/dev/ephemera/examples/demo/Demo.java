package dev.ephemera.examples.demo;

import dev.ephemera.core.SourceState;
import dev.ephemera.core.SourceStatus;
import dev.ephemera.core.audit.AuditEvent;
import dev.ephemera.core.audit.AuditEventType;
import dev.ephemera.core.audit.AuditListener;
import dev.ephemera.core.audit.AuditOutcome;
import dev.ephemera.core.audit.chain.ChainKeys;
import dev.ephemera.core.audit.chain.ChainedAuditSink;
import dev.ephemera.core.audit.chain.CheckpointSigner;
import dev.ephemera.testkit.RecordingAuditListener;
import dev.ephemera.testkit.emulator.Fault;
import dev.ephemera.testkit.emulator.FaultPlan;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;

/** Runs the story once: start, watch, an outage, recovery, close, summarize, draw. */
final class Demo {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

  /** How long the pods may take to get their first credentials, in real time. */
  private static final Duration STARTUP_LIMIT = Duration.ofSeconds(60);

  private final DemoOptions options;
  private final PrintStream out;
  private final IntSupplier width;

  Demo(DemoOptions options, PrintStream out, IntSupplier width) {
    this.options = options;
    this.out = out;
    this.width = width;
  }

  DemoSummary run() throws Exception {
    Lifetimes lifetimes = options.lifetimes();
    RecordingAuditListener recorder = new RecordingAuditListener();
    CompactAudit compact = new CompactAudit(out, !options.table(), width);
    List<AuditListener> listeners = new ArrayList<>(List.of(recorder, compact));
    ChainedAuditSink json = null;
    if (options.auditFile() != null) {
      // a tamper-evident trail: a hash chain, its head signed with a key that lives only in this
      // process; its public half goes beside the trail, for the verifier
      KeyPair signing = ChainKeys.generateEd25519();
      Files.writeString(publicKeyFile(options.auditFile()), ChainKeys.toPem(signing.getPublic()));
      json =
          ChainedAuditSink.builder(Files.newOutputStream(options.auditFile()))
              .origin("ephemera-demo")
              .signer(CheckpointSigner.ed25519(signing.getPrivate(), signing.getPublic()))
              .build();
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
    List<Timeline.Rotation> rotations = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    List<Scenario.Watched> watched = new ArrayList<>();
    Map<String, String> backendOfSource = new HashMap<>();
    Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    AtomicReference<OutagePlan> outage = new AtomicReference<>(OutagePlan.none(start, Map.of()));
    Instant storyStart = start;
    Instant storyEnd = start;
    try (DemoTime time = new DemoTime(start);
        DemoWorld world = new DemoWorld(time, lifetimes, listeners)) {
      say(
          String.format(
              "Ephemera demo: %s of credential life at %.0fx (about %d s), backends %s",
              StatusTable.human(options.duration()),
              options.speed(),
              Math.max(1, options.realTime().toSeconds()),
              String.join(", ", options.backends())));
      say(
          "Credentials live "
              + StatusTable.human(lifetimes.unit())
              + (lifetimes.unit().equals(Lifetimes.USUAL)
                  ? " (the platforms' usual lifetime)"
                  : " (a sixth of the run, so it shows every step; 1h from --duration 6h up)")
              + "; Vault tokens renew up to "
              + StatusTable.human(lifetimes.vaultTokenMaxTtl())
              + ", database leases up to "
              + StatusTable.human(lifetimes.leaseMaxTtl())
              + ".");
      say("The pods start at real speed until every source holds its first credential.");
      for (String backend : options.backends()) {
        Scenario s = Scenarios.create(backend);
        scenarios.add(s);
        s.start(world);
      }
      List<Scenario.Probe> probes = new ArrayList<>();
      for (Scenario s : scenarios) {
        watched.addAll(s.watched());
        probes.addAll(s.probes());
        s.watched().forEach(w -> backendOfSource.put(w.source().status().name(), s.backend()));
        s.watched().forEach(w -> compact.label(w.source().status().name(), w.label()));
      }

      // Pods start their workload once their first credentials are in (a readiness probe).
      Duration startup = awaitReady(watched);
      List<String> notReady =
          watched.stream()
              .filter(w -> w.source().current().isEmpty())
              .map(Scenario.Watched::label)
              .toList();
      if (!notReady.isEmpty()) {
        throw new IllegalStateException(
            "no first credential within " + STARTUP_LIMIT.toSeconds() + " s for " + notReady);
      }
      time.setSpeed(options.speed());
      storyStart = time.now();
      storyEnd = storyStart.plus(options.duration());
      say(
          String.format(
              "Every source holds a credential after %d ms; time now runs %.0fx faster.",
              startup.toMillis(), options.speed()));

      // Rotations as the application sees them: its subscribers are told.
      for (Scenario.Watched w : watched) {
        String name = w.source().status().name();
        w.source()
            .subscribe(
                c -> {
                  synchronized (rotations) {
                    rotations.add(new Timeline.Rotation(name, time.now(), c.id()));
                  }
                });
      }

      // The outage: across the next scheduled refresh of every backend, every endpoint of each
      // backend answers 503 (the emulators' outage windows, on their own clock). It ends once each
      // backend has failed a refresh (a refresh may run late in real time), and always before a
      // held credential would end: callers must never notice.
      OutagePlan planned = OutagePlan.plan(scenarios, time.now(), lifetimes);
      outage.set(planned);
      announce(planned, scenarios);
      if (planned.happens()) {
        List<FaultPlan> faults = new ArrayList<>();
        List<Scenario.Watched> touched = new ArrayList<>();
        for (Scenario s : scenarios) {
          if (planned.down().contains(s.backend())) {
            faults.addAll(s.faultPlans());
            touched.addAll(s.watched());
          }
        }
        Instant open = storyEnd.plus(options.duration()); // ended below, when the story is told
        faults.forEach(f -> f.outage(planned.from(), open, Fault.status(503)));
        time.scheduler()
            .schedule(
                () ->
                    compact.note(
                        planned.from(),
                        "OUTAGE BEGINS",
                        "every endpoint of "
                            + String.join(", ", planned.down())
                            + " answers 503 until each has failed a refresh"),
                Duration.between(time.now(), planned.from()));
        Runnable[] check = new Runnable[1];
        check[0] =
            () -> {
              Instant now = time.now();
              List<String> notYet =
                  planned.down().stream()
                      .filter(b -> !failedSince(recorder, b, planned.from(), backendOfSource))
                      .toList();
              Instant deadline =
                  touched.stream()
                      .map(w -> w.source().status().expiresAt())
                      .filter(t -> t != null)
                      .min(Instant::compareTo)
                      .orElse(now)
                      .minus(OutagePlan.recovery(lifetimes));
              if (notYet.isEmpty() || !now.isBefore(deadline)) {
                faults.forEach(FaultPlan::clear);
                Instant end = time.now();
                OutagePlan ended = planned.endingAt(end);
                outage.set(ended);
                compact.note(
                    end,
                    "OUTAGE ENDS",
                    "every endpoint answers again"
                        + (notYet.isEmpty()
                            ? ""
                            : " (early: held credentials would end before "
                                + String.join(", ", notYet)
                                + " tried)")
                        + "; callers saw "
                        + errors.get()
                        + " errors");
                watchRecovery(time, compact, touched, ended, recorder, errors, lifetimes);
              } else {
                time.scheduler().schedule(check[0], lifetimes.unit().dividedBy(240));
              }
            };
        time.scheduler().schedule(check[0], Duration.between(time.now(), planned.until()));
      }
      if (!options.table()) {
        say("");
        out.println(Columns.fit(CompactAudit.header(), width.getAsInt()));
      }
      compact.release(); // the first issuances, held while the pods started, then everything

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

      CountDownLatch done = new CountDownLatch(1);
      time.scheduler().schedule(done::countDown, options.duration());
      while (!done.await(250, TimeUnit.MILLISECONDS)) {
        if (options.table()) {
          int w = width.getAsInt();
          String header =
              String.format(
                  "Ephemera demo  %s  (%s left)   calls %,d  errors %d",
                  time.now().truncatedTo(ChronoUnit.SECONDS),
                  StatusTable.human(max(Duration.ZERO, Duration.between(time.now(), storyEnd))),
                  calls.get(),
                  errors.get());
          StringBuilder screen = new StringBuilder("\033[H\033[2J");
          screen.append(StatusTable.render(watched, time.now(), header, w)).append('\n');
          screen.append(Columns.fit(CompactAudit.header(), w)).append('\n');
          compact.recent().forEach(l -> screen.append(Columns.fit(l, w)).append('\n'));
          out.print(screen);
          out.flush();
        }
      }
      callers.shutdown();
      callers.awaitTermination(10, TimeUnit.SECONDS);
      if (options.table()) {
        out.print("\033[H\033[2J");
      }
      out.println();
      out.print(StatusTable.render(watched, time.now(), "Final status", width.getAsInt()));
      time.setSpeed(1); // closing takes real milliseconds: not scaled minutes
      closeAll(scenarios, closed); // stop refreshing and revoke, while time still runs
      storyEnd = time.now();
    } finally {
      callers.shutdownNow();
      closeAll(scenarios, closed); // no-op when the run got that far; on failure, still revoke
      if (json != null) {
        json.close();
      }
    }
    for (Scenario s : scenarios) {
      s.check(recorder).forEach(p -> problems.add(s.backend() + ": " + p));
    }
    OutagePlan plan = java.util.Objects.requireNonNull(outage.get());

    // Failures: the outage's, by backend, and any other (expected: none).
    Map<String, Long> outageFailures = new LinkedHashMap<>();
    plan.down().forEach(b -> outageFailures.put(b, 0L));
    List<AuditEvent> other = new ArrayList<>();
    for (AuditEvent e : recorder.ofType(AuditEventType.REFRESH_FAILED)) {
      Instant attemptStart = e.time().minus(e.latency().orElse(Duration.ZERO));
      String backend = backendOf(e, backendOfSource);
      if (plan.down().contains(backend) && plan.overlaps(attemptStart, e.time())) {
        outageFailures.merge(backend, 1L, Long::sum);
      } else {
        other.add(e);
      }
    }
    outageFailures.forEach(
        (b, n) -> {
          if (n == 0) {
            problems.add(b + ": no refresh failed during the outage");
          }
        });
    if (!other.isEmpty()) {
      problems.add(
          other.size()
              + " refresh attempts failed outside the outage, first: "
              + CompactAudit.format(other.get(0)).strip());
    }
    List<Timeline.Rotation> seen;
    synchronized (rotations) {
      seen = List.copyOf(rotations);
    }
    String drawn = null;
    if (options.timeline() != null) {
      List<Timeline.Row> rows =
          watched.stream()
              .map(
                  w ->
                      new Timeline.Row(
                          w.label(),
                          w.source().status().name(),
                          backendOfSource.get(w.source().status().name())))
              .toList();
      Timeline timeline =
          new Timeline(rows, recorder.events(), seen, plan, storyStart, storyEnd, options);
      Files.writeString(options.timeline(), timeline.svg());
      drawn = options.timeline().toString();
    }
    DemoSummary summary =
        new DemoSummary(
            recorder.count(AuditEventType.ISSUED),
            recorder.count(AuditEventType.RENEWED),
            outageFailures,
            other.size(),
            recorder.count(AuditEventType.EXPIRED),
            recorder
                .matching(
                    e -> e.type() == AuditEventType.REVOKED && e.outcome() == AuditOutcome.SUCCESS)
                .size(),
            recorder.count(AuditEventType.SECRET_READ),
            seen.size(),
            calls.get(),
            errors.get(),
            plan.from(),
            plan.until(),
            plan.down(),
            plan.spared(),
            drawn,
            problems);
    Map<String, String> labels = new HashMap<>();
    watched.forEach(w -> labels.put(w.source().status().name(), w.label()));
    printSummary(summary, firstErrors, recorder, plan, labels);
    return summary;
  }

  /** {@return where the public key of the audit trail's checkpoints is written} */
  static Path publicKeyFile(Path auditFile) {
    return auditFile.resolveSibling(auditFile.getFileName() + ".pub");
  }

  private void say(String line) {
    out.println(Columns.wrap(line, width.getAsInt(), 4));
  }

  private void announce(OutagePlan plan, List<Scenario> scenarios) {
    if (plan.happens()) {
      say(
          "Outage planned from "
              + TIME.format(plan.from())
              + " to about "
              + TIME.format(plan.until())
              + " ("
              + StatusTable.human(Duration.between(plan.from(), plan.until()))
              + "), across the next scheduled refresh of every backend; it takes down:");
      for (Scenario s : scenarios) {
        if (plan.down().contains(s.backend())) {
          say("  " + s.backend() + ": " + s.endpoints());
        }
      }
      for (Scenario s : scenarios) {
        if (plan.down().contains(s.backend())) {
          s.outageCaveat()
              .ifPresent(
                  c ->
                      say(
                          "  note: "
                              + s.backend()
                              + " rides this outage out on a fresh token, but "
                              + c
                              + "."));
        }
      }
    } else {
      say("No outage this run: no refresh of any backend could be covered.");
    }
    plan.spared().forEach((b, why) -> say("  " + b + " is NOT taken down: " + why + "."));
  }

  /** After the outage: tells when every source it touched is valid again. */
  private static void watchRecovery(
      DemoTime time,
      CompactAudit compact,
      List<Scenario.Watched> touched,
      OutagePlan plan,
      RecordingAuditListener recorder,
      AtomicLong errors,
      Lifetimes lifetimes) {
    Duration every = lifetimes.unit().dividedBy(240);
    time.scheduler()
        .schedule(
            () -> {
              boolean healthy =
                  touched.stream().map(w -> w.source().status()).allMatch(Demo::recovered);
              if (healthy) {
                long failed =
                    recorder
                        .matching(
                            e ->
                                e.type() == AuditEventType.REFRESH_FAILED
                                    && plan.overlaps(
                                        e.time().minus(e.latency().orElse(Duration.ZERO)),
                                        e.time()))
                        .size();
                compact.note(
                    time.now(),
                    "RECOVERED",
                    "every source of "
                        + String.join(", ", plan.down())
                        + " holds a fresh credential; "
                        + failed
                        + " refresh attempts failed during the outage, callers saw "
                        + errors.get()
                        + " errors");
              } else {
                watchRecovery(time, compact, touched, plan, recorder, errors, lifetimes);
              }
            },
            every);
  }

  private static boolean recovered(SourceStatus s) {
    return s.state() == SourceState.CLOSED
        || (s.state() == SourceState.VALID && s.failureStreak() == 0);
  }

  private static boolean failedSince(
      RecordingAuditListener recorder,
      String backend,
      Instant from,
      Map<String, String> backendOfSource) {
    return !recorder
        .matching(
            e ->
                e.type() == AuditEventType.REFRESH_FAILED
                    && !e.time().isBefore(from)
                    && backend.equals(backendOf(e, backendOfSource)))
        .isEmpty();
  }

  private static String backendOf(AuditEvent e, Map<String, String> backendOfSource) {
    String b = backendOfSource.get(e.source());
    if (b != null) {
      return b;
    }
    for (String known : DemoOptions.ALL) {
      if (e.provider().startsWith(known)) {
        return known;
      }
    }
    return e.provider();
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  private static void closeAll(List<Scenario> scenarios, AtomicBoolean closed) {
    if (closed.compareAndSet(false, true)) {
      scenarios.forEach(Scenario::close);
    }
  }

  /** Waits (real time, bounded) until every source holds a credential; returns how long it took. */
  private static Duration awaitReady(List<Scenario.Watched> watched) throws InterruptedException {
    long begin = System.nanoTime();
    long deadline = begin + STARTUP_LIMIT.toNanos();
    for (Scenario.Watched w : watched) {
      while (w.source().current().isEmpty() && System.nanoTime() < deadline) {
        TimeUnit.MILLISECONDS.sleep(5);
      }
    }
    return Duration.ofNanos(System.nanoTime() - begin);
  }

  private void printSummary(
      DemoSummary s,
      List<String> firstErrors,
      RecordingAuditListener recorder,
      OutagePlan plan,
      Map<String, String> labels) {
    say("");
    say("Summary");
    say(String.format("  issued             %,d", s.issued()));
    say(String.format("  renewed            %,d", s.renewed()));
    say(
        String.format(
            "  rotations          %,d  (subscribers told of a new credential)", s.rotations()));
    if (plan.happens()) {
      say(
          String.format(
              "  outage             %s-%s, took down %s",
              TIME.format(plan.from()), TIME.format(plan.until()), String.join(", ", plan.down())));
      say(
          String.format(
              "  failed in outage   %,d  (%s; callers kept working)",
              s.outageFailureCount(),
              String.join(
                  ", ",
                  s.outageFailures().entrySet().stream()
                      .map(e -> e.getKey() + " " + e.getValue())
                      .toList())));
    }
    s.spared()
        .keySet()
        .forEach(b -> say(String.format("  not taken down     %s (reason above)", b)));
    say(String.format("  other failures     %,d  (expected: 0)", s.otherFailures()));
    List<AuditEvent> readsFailed =
        recorder.matching(
            e -> e.type() == AuditEventType.SECRET_READ && e.outcome() != AuditOutcome.SUCCESS);
    long inOutage =
        readsFailed.stream()
            .filter(
                e ->
                    plan.down().contains("vault")
                        && plan.overlaps(
                            e.time().minus(e.latency().orElse(Duration.ZERO)), e.time()))
            .count();
    long otherwise = readsFailed.size() - inOutage;
    say(
        String.format(
            "  secret reads       %,d%s%s",
            s.secretReads(),
            inOutage > 0
                ? "  (" + inOutage + " failed while Vault was down: its data plane, not ours)"
                : "",
            otherwise > 0 ? "  (" + otherwise + " failed otherwise)" : ""));
    Map<String, Long> expiredBy = new LinkedHashMap<>();
    recorder
        .ofType(AuditEventType.EXPIRED)
        .forEach(e -> expiredBy.merge(labels.getOrDefault(e.source(), e.source()), 1L, Long::sum));
    say(
        String.format(
            "  expired            %,d%s",
            s.expired(),
            expiredBy.isEmpty()
                ? ""
                : "  ("
                    + String.join(
                        ", ",
                        expiredBy.entrySet().stream()
                            .map(e -> e.getKey() + " " + e.getValue())
                            .toList())
                    + ": reached the end of service before a refresh replaced it; a downscoped token"
                    + " ends with its source token)"));
    say(String.format("  revoked            %,d", s.revoked()));
    say(String.format("  workload calls     %,d through the vendor SDK adapters", s.calls()));
    say(String.format("  callers with error %,d  (expected: 0)", s.callerErrors()));
    firstErrors.forEach(e -> say("    " + e));
    if (options.auditFile() != null) {
      say(
          "  audit trail        "
              + options.auditFile()
              + " (hash-chained, signed); verify it with");
      say(
          "                     ./audit verify "
              + options.auditFile()
              + " --public-key "
              + publicKeyFile(options.auditFile()));
    }
    if (s.timeline() != null) {
      say("  timeline           " + s.timeline());
    }
    if (s.problems().isEmpty()) {
      say("  story              complete");
    } else {
      s.problems().forEach(p -> say("  MISSING            " + p));
    }
    say(s.ok() ? "OK" : "FAILED");
  }
}
