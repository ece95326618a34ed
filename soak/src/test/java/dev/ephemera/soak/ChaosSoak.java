package dev.ephemera.soak;

import dev.ephemera.core.Credential;
import dev.ephemera.core.CredentialException;
import dev.ephemera.core.CredentialSource;
import dev.ephemera.core.SourceState;
import dev.ephemera.core.SourceStatus;
import dev.ephemera.testkit.emulator.Fault;
import dev.ephemera.testkit.emulator.JournalEntry;
import dev.ephemera.testkit.time.VirtualTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The chaos soak: a fleet on virtual time for a virtual day, random faults for the first 20 hours,
 * none after, and the invariants checked throughout. Every breach is collected with the virtual
 * minute it happened, so a failing run says what broke, where and when; the seed replays it.
 *
 * <ul>
 *   <li>No expired credential: every 5 virtual minutes, every pod's {@code current()}, and {@code
 *       get()} on a sample (and on the callers' threads), must hold only credentials that expire
 *       after the moment they were asked for.
 *   <li>Typed failures: what {@code get()} and {@code refresh()} throw is a {@link
 *       CredentialException}, never another exception, never an {@code Error}.
 *   <li>One call in flight: every 30 virtual minutes, eight caller threads refresh and get the same
 *       pods at once, its next upstream answer delayed; each upstream counts requests per pod.
 *   <li>Nobody stuck: 10 virtual minutes after the faults stop (the longest backoff, a terminal 5
 *       minutes or a capped Retry-After of 5 minutes, plus its jitter), every pod holds a valid
 *       credential again, and its status says VALID.
 *   <li>Every failure audited: a pod's audited REFRESH_FAILED events equal its status's failure
 *       count, each says how it failed, and every pod the upstreams answered with a fault audited a
 *       failure.
 *   <li>No thread growth while running; no thread, timer task or Vault token left after close.
 * </ul>
 */
final class ChaosSoak {
  static final Duration DAY = Duration.ofHours(24);
  static final long FAULTS_UNTIL_MINUTE = 20 * 60;
  static final long RECOVERED_BY_MINUTE = FAULTS_UNTIL_MINUTE + 10;
  private static final int CALLERS = 8;

  private final int size;
  private final long seed;
  private final List<String> breaches = new ArrayList<>();
  private final Map<String, String> faultedSubjects = new HashMap<>();
  private final Set<Instant> orphaningAnswers = new HashSet<>();
  private final Set<Instant> faultedRevocations = new HashSet<>();
  private final Map<String, Long> calls = new TreeMap<>();
  private final Map<String, Long> faultedAnswers = new TreeMap<>();
  private long minute;
  private long currentChecks;
  private long getChecks;
  private long callerFailures;
  private long stampedes;
  private long retriedInAttempt;

  /** How long a step waits for the emulators to finish answering, on real time. */
  private static final Duration WIRE_QUIET_WITHIN = Duration.ofSeconds(10);

  /** {@return whether the client sees {@code f} as a failure: all but a delay it waits out} */
  private static boolean fails(Fault f) {
    return switch (f.kind()) {
      case HOLD -> false;
      case LATENCY -> f.duration().compareTo(Fleet.VAULT_READ_TIMEOUT) >= 0;
      default -> true;
    };
  }

  /** {@return whether {@code f} cuts, pads or delays an answer that carries a minted credential} */
  private static boolean orphans(Fault f) {
    return switch (f.kind()) {
      case TRUNCATED_BODY, HUGE_BODY -> true;
      case LATENCY -> fails(f);
      default -> false;
    };
  }

  ChaosSoak(int size, long seed) {
    this.size = size;
    this.seed = seed;
  }

  /** Runs the soak; {@return what it measured and every breach of an invariant} */
  SoakReport run() throws Exception {
    long started = System.nanoTime();
    VirtualTime time = VirtualTime.startingAt(VirtualTime.DEFAULT_START, seed);
    SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
    AuditTally audit = new AuditTally();
    ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
    // start every caller thread now, so they count in the baseline
    List<Future<?>> warm = new ArrayList<>();
    for (int i = 0; i < CALLERS; i++) {
      warm.add(callers.submit(() -> {}));
    }
    for (Future<?> f : warm) {
      f.get();
    }
    Map<String, Object> figures = new LinkedHashMap<>();
    try (Fleet fleet = new Fleet(time, size)) {
      Set<Thread> threadSetBeforeSources = Set.copyOf(Thread.getAllStackTraces().keySet());
      int threadsBeforeSources = libraryThreads();
      fleet.populate(audit);
      Chaos chaos = new Chaos(fleet, seed);
      // Every pod's first credential, at t=0, before any fault.
      for (Fleet.Pod pod : fleet.pods) {
        check(pod, time);
      }
      int threadsBuilt = libraryThreads();
      int threadsPeak = threadsBuilt;
      Map<String, Long> threadsAtBuilt = threadNames();
      Map<String, Long> threadsAtPeak = threadsAtBuilt;
      int workersPeak = httpWorkers();
      for (minute = 0; minute < DAY.toMinutes(); minute++) {
        if (minute < FAULTS_UNTIL_MINUTE) {
          chaos.tick(minute);
        } else if (minute == FAULTS_UNTIL_MINUTE) {
          chaos.stop();
        }
        advanceOneMinute(fleet, time);
        if (minute % 5 == 0) {
          sweep(fleet, time, random);
        }
        if (minute % 30 == 15) {
          stampede(fleet, time, random, callers);
        }
        if (minute % 60 == 59) {
          drainJournals(fleet);
          int threads = libraryThreads();
          if (threads > threadsPeak) {
            threadsPeak = threads;
            threadsAtPeak = threadNames();
          }
          workersPeak = Math.max(workersPeak, httpWorkers());
        }
        if (minute == RECOVERED_BY_MINUTE) {
          recovered(fleet, time);
        }
      }
      drainJournals(fleet);
      everyFailureAudited(fleet, audit);
      figures.put("library threads before the sources", threadsBeforeSources);
      figures.put("library threads after every pod's first credential", threadsBuilt);
      figures.put("library threads at the busiest hour", threadsPeak);
      figures.put("library threads by name", threadNames());
      figures.put("pooled HTTP client workers at the busiest hour", workersPeak);
      if (threadsPeak > threadsBuilt) {
        breach(
            "threads grew while running: "
                + threadsBuilt
                + " -> "
                + threadsPeak
                + ": "
                + threadsAtBuilt
                + " -> "
                + threadsAtPeak);
      }
      // a JDK client's pool grows with concurrent calls (8 callers and the advancing thread), not
      // with the fleet, and lets idle workers go
      if (workersPeak > 3 * (CALLERS + 1)) {
        breach("HTTP client workers grew with the fleet: " + workersPeak);
      }
      figures.put("max upstream calls in flight for one pod", maxInFlight(fleet));
      checkInFlight(fleet);
      List<CredentialSource<? extends Credential>> last = new ArrayList<>();
      fleet.pods.forEach(pod -> last.add(pod.source()));
      fleet.closePods();
      for (CredentialSource<? extends Credential> source : last) {
        if (source.status().state() != SourceState.CLOSED) {
          breach(source.name() + " is " + source.status().state() + " after close");
        }
      }
      if (time.pendingTasks() != 0) {
        breach(time.pendingTasks() + " timer tasks still pending after every pod closed");
      }
      Set<String> admitted = audit.revocationsFailed();
      figures.put("revocations that failed (audited)", admitted.size());
      List<String> liveTokens =
          fleet.liveVaultTokens(orphaningAnswers, admitted, faultedRevocations, audit);
      if (!liveTokens.isEmpty()) {
        breach(
            liveTokens.size()
                + " Vault tokens still live after every pod closed: "
                + liveTokens.subList(0, Math.min(3, liveTokens.size())));
      }
      List<String> left = threadsLeft(threadSetBeforeSources);
      figures.put("library threads left after every pod closed", left);
      List<String> unexpected = unexpectedLeft(left);
      if (!unexpected.isEmpty()) {
        breach(
            "threads left after close: " + unexpected.subList(0, Math.min(10, unexpected.size())));
      }
      figures.put("issuances and renewals", audit.issuances());
      figures.put("failures survived (audited)", audit.failures());
      figures.put("recoveries (a success after failures)", audit.recoveries());
      figures.put("failures by classification", audit.failuresByReason());
      figures.put("upstream calls", calls);
      figures.put("upstream answers with a fault", faultedAnswers);
      figures.put("faults planned (outage windows and one-shots)", chaos.planned());
      figures.put("outage windows", chaos.outages());
      figures.put("token-file faults", chaos.fileFaults());
      figures.put("faults retried away inside one attempt", retriedInAttempt);
      figures.put("current() checks", currentChecks);
      figures.put("get()/refresh() checks", getChecks);
      figures.put("typed failures seen by callers", callerFailures);
      figures.put("stampedes (8 callers on one pod)", stampedes);
      figures.put("audit events", audit.events());
    } finally {
      callers.shutdownNow();
    }
    long wall = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    return new SoakReport(size, seed, DAY, wall, figures, List.copyOf(breaches));
  }

  /** The pod's credential now, from {@code get()}: valid, or a typed failure. */
  private void check(Fleet.Pod pod, VirtualTime time) {
    Instant asked = time.now();
    getChecks++;
    try {
      Credential c = pod.source().get();
      if (!c.expiresAt().isAfter(asked)) {
        breach(pod.name() + " get() returned a credential that expired at " + c.expiresAt());
      }
    } catch (CredentialException e) {
      callerFailures++;
    } catch (RuntimeException | Error e) {
      breach(
          pod.name() + " get() threw " + e.getClass().getName() + " (not a CredentialException)");
    }
  }

  private void sweep(Fleet fleet, VirtualTime time, SplittableRandom random) {
    Instant now = time.now();
    for (Fleet.Pod pod : fleet.pods) {
      currentChecks++;
      Optional<? extends Credential> held = pod.source().current();
      if (held.isPresent() && !held.get().expiresAt().isAfter(now)) {
        breach(
            pod.name() + " current() holds a credential that expired at " + held.get().expiresAt());
      }
    }
    for (int i = 0; i < Math.max(10, size / 100); i++) {
      check(fleet.pods.get(random.nextInt(fleet.pods.size())), time);
    }
  }

  /** Eight callers refresh and get the same pods at once, each pod's next answer delayed. */
  private void stampede(
      Fleet fleet, VirtualTime time, SplittableRandom random, ExecutorService callers)
      throws InterruptedException {
    for (int p = 0; p < 3; p++) {
      Fleet.Pod pod = fleet.pods.get(random.nextInt(fleet.pods.size()));
      stampedes++;
      String subject = pod.subject();
      pod.upstream()
          .faults()
          .nextMatching(
              1,
              Fault.latency(Duration.ofMillis(40)),
              r -> SubjectKey.of(r).filter(subject::equals).isPresent());
      List<Future<?>> running = new ArrayList<>();
      for (int c = 0; c < CALLERS; c++) {
        boolean refresh = c % 2 == 0;
        running.add(callers.submit(() -> call(pod, time, refresh)));
      }
      for (Future<?> f : running) {
        try {
          f.get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
          breach(pod.name() + " caller failed: " + e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
          breach(pod.name() + " caller still waiting after 60 s: a wedged source");
        }
      }
    }
  }

  private void call(Fleet.Pod pod, VirtualTime time, boolean refresh) {
    Instant asked = time.now();
    CredentialSource<? extends Credential> source = pod.source();
    try {
      Credential c = refresh ? source.refresh().join() : source.get();
      synchronized (this) {
        getChecks++;
        if (!c.expiresAt().isAfter(asked)) {
          breach(pod.name() + " handed a caller a credential that expired at " + c.expiresAt());
        }
      }
    } catch (CompletionException e) {
      typed(pod, e.getCause());
    } catch (RuntimeException | Error e) {
      typed(pod, e);
    }
  }

  private synchronized void typed(Fleet.Pod pod, Throwable failure) {
    getChecks++;
    if (failure instanceof CredentialException) {
      callerFailures++;
    } else {
      breach(pod.name() + " threw " + failure + " (not a CredentialException)");
    }
  }

  private void drainJournals(Fleet fleet) {
    for (Fleet.Upstream u : fleet.upstreams) {
      List<JournalEntry> entries = u.journal().entries();
      u.journal().clear();
      calls.merge(u.name(), (long) entries.size(), Long::sum);
      // a fault followed at the same instant by a success for the same subject was retried away
      // inside one attempt (the JDK client retries an idempotent GET once on a reset connection):
      // nothing failed, so nothing is owed to the audit trail
      Map<String, JournalEntry> unanswered = new HashMap<>();
      for (JournalEntry e : entries) {
        boolean failed =
            e.appliedFault().map(ChaosSoak::fails).orElse(e.status() >= 400 || e.status() == 0);
        Optional<String> subject = SubjectKey.of(e.request());
        if (e.appliedFault().isPresent() && e.request().path().endsWith("/revoke-self")) {
          faultedRevocations.add(e.time()); // the client may take it for a revocation
        }
        if (failed) {
          faultedAnswers.merge(u.name(), 1L, Long::sum);
          subject.ifPresent(s -> unanswered.put(s, e));
          // the emulator minted a token the client never saw whole: nobody can revoke it
          if (e.appliedFault().map(ChaosSoak::orphans).orElse(false)) {
            orphaningAnswers.add(e.time());
          }
        } else if (subject.isPresent()
            && e.status() >= 200
            && e.status() < 300 // a success, delayed or not (a short latency fault fails nothing)
            && unanswered.containsKey(subject.get())
            && e.time().equals(unanswered.get(subject.get()).time())) {
          unanswered.remove(subject.get());
          retriedInAttempt++;
        }
      }
      unanswered.forEach(
          (subject, e) ->
              faultedSubjects.put(
                  subject,
                  u.name()
                      + " answered "
                      + e.appliedFault().map(Fault::toString).orElse("status " + e.status())
                      + " at "
                      + e.time()));
    }
  }

  private void recovered(Fleet fleet, VirtualTime time) {
    Instant now = time.now();
    int stuck = 0;
    for (Fleet.Pod pod : fleet.pods) {
      SourceStatus status = pod.source().status();
      Optional<? extends Credential> held = pod.source().current();
      if (status.state() != SourceState.VALID
          || held.isEmpty()
          || !held.get().expiresAt().isAfter(now)) {
        if (stuck++ < 20) {
          breach(
              pod.name()
                  + " ("
                  + pod.backend()
                  + ") not serving 10 minutes after the faults stopped: "
                  + status.state()
                  + ", streak "
                  + status.failureStreak()
                  + ", next refresh "
                  + status.nextRefreshAt()
                  + ", last failure "
                  + (status.lastFailure() == null ? "none" : status.lastFailure().reason()));
        }
      }
    }
    if (stuck > 20) {
      breach(stuck + " pods in all were not serving 10 minutes after the faults stopped");
    }
  }

  private void everyFailureAudited(Fleet fleet, AuditTally audit) {
    audit.unclassified().forEach(this::breach);
    int unaudited = 0;
    for (Fleet.Pod pod : fleet.pods) {
      SourceStatus status = pod.source().status();
      long counted = status.failures();
      long audited = audit.of(status.name()).failed();
      if (counted != audited) {
        breach(pod.name() + ": " + counted + " failures counted, " + audited + " audited");
      }
      String fault = faultedSubjects.get(pod.subject());
      if (fault != null && audited == 0 && unaudited++ < 20) {
        breach(
            pod.name()
                + " ("
                + pod.backend()
                + ") was answered with a fault, audited none: "
                + fault);
      }
    }
  }

  private static int maxInFlight(Fleet fleet) {
    return fleet.upstreams.stream().mapToInt(u -> u.inFlight().maxPerKey()).max().orElse(0);
  }

  private void checkInFlight(Fleet fleet) {
    for (Fleet.Upstream u : fleet.upstreams) {
      if (u.inFlight().maxPerKey() > 1) {
        breach(u.name() + ": " + u.inFlight() + ", overlapping " + u.inFlight().overlappingKeys());
      }
    }
  }

  /**
   * The threads started since {@code before} that are still alive once those that are ending have
   * ended: each is joined (bounded), after a collection lets go of clients nobody holds.
   */
  private static List<String> threadsLeft(Set<Thread> before) throws InterruptedException {
    List<Thread> extra = new ArrayList<>();
    for (int round = 0; round < 5; round++) {
      System.gc();
      extra.clear();
      for (Thread t : Thread.getAllStackTraces().keySet()) {
        if (!before.contains(t) && t.isAlive() && isLibrary(t)) {
          extra.add(t);
        }
      }
      if (unexpectedLeft(names(extra)).isEmpty()) {
        break;
      }
      for (Thread t : extra) {
        t.join(200);
      }
    }
    return names(extra);
  }

  private static List<String> names(List<Thread> threads) {
    return threads.stream().filter(Thread::isAlive).map(Thread::getName).sorted().toList();
  }

  /**
   * The process-wide pools a closed fleet may leave behind, by folded name, each bounded whatever
   * the fleet's size: the JDK's own (delayed executor, virtual-thread scheduler, keep-alive cache),
   * Reactor's parallel scheduler and the Azure SDK's shared pool (the Azure SDK and its HTTP
   * pipeline start them once per process), and the selectors of at most two JDK HTTP clients that
   * live as long as the process (the one every Pod Identity source shares, and the one this soak
   * hands every Azure pod).
   */
  private static final Map<String, Integer> PROCESS_WIDE =
      Map.ofEntries(
          // the JDK's delayed executor (JDK 17; JDK 25 names it after the common pool)
          Map.entry("CompletableFutureDelayScheduler", 1),
          Map.entry("ForkJoinPool.commonPool-delayScheduler", 1),
          // the JDK's common pool: its idle workers linger a while
          Map.entry("ForkJoinPool.commonPool-worker-N", Runtime.getRuntime().availableProcessors()),
          // the JDK's virtual-thread scheduler, its timer and unblocker (JDK 21+)
          Map.entry("ForkJoinPool-N-worker-N", Runtime.getRuntime().availableProcessors()),
          Map.entry("ForkJoinPool-N-delayScheduler", 1),
          Map.entry("VirtualThread-unblocker", 1),
          // HttpURLConnection's keep-alive cache (the AWS SDK's URL-connection client)
          Map.entry("Keep-Alive-Timer", 1),
          Map.entry("Keep-Alive-SocketCleaner", 1),
          // Reactor's parallel scheduler (azure-core)
          Map.entry("parallel-N", Runtime.getRuntime().availableProcessors()),
          // azure-core's shared executor: a fixed pool (20 here, whatever the fleet's size)
          Map.entry("azure-sdk-global-thread-N", 64),
          Map.entry("HttpClient-N-SelectorManager", 2));

  /** {@return the threads left behind beyond the process-wide pools, named, with counts} */
  private static List<String> unexpectedLeft(List<String> left) {
    Map<String, Long> folded = new TreeMap<>();
    left.forEach(n -> folded.merge(n.replaceAll("[0-9]+", "N"), 1L, Long::sum));
    List<String> unexpected = new ArrayList<>();
    folded.forEach(
        (name, count) -> {
          if (count > PROCESS_WIDE.getOrDefault(name, 0)) {
            unexpected.add(name + " x" + count);
          }
        });
    return unexpected;
  }

  /**
   * Threads the library and the vendor SDKs started: not the emulators' server threads (Jetty's
   * {@code qtp} and its {@code Connector-Scheduler}), not the pooled workers of JDK HTTP clients
   * (they come and go with concurrent calls, counted apart), not this soak's callers.
   */
  private static boolean isLibrary(Thread t) {
    String n = t.getName();
    return !n.startsWith("qtp")
        && !n.contains("WireMock")
        && !n.startsWith("Connector-Scheduler")
        && !n.startsWith("pool-")
        && !isHttpWorker(n)
        && !n.startsWith("Common-Cleaner")
        && !n.equals("Attach Listener");
  }

  private static boolean isHttpWorker(String name) {
    return name.startsWith("HttpClient-") && name.contains("-Worker-");
  }

  /**
   * {@return the library threads, but the JDK's own that come and go whatever the fleet does: its
   * keep-alive cache's (started with the first idle connection, ended with the last) and its common
   * pool's idle workers}
   */
  private static int libraryThreads() {
    return (int)
        Thread.getAllStackTraces().keySet().stream()
            .filter(ChaosSoak::isLibrary)
            .filter(t -> !comesAndGoes(t.getName()))
            .count();
  }

  private static boolean comesAndGoes(String name) {
    return name.startsWith("Keep-Alive-") || name.startsWith("ForkJoinPool.commonPool-worker-");
  }

  private static int httpWorkers() {
    return (int)
        Thread.getAllStackTraces().keySet().stream().filter(t -> isHttpWorker(t.getName())).count();
  }

  /** {@return the library threads, their names' digits folded, with counts} */
  static Map<String, Long> threadNames() {
    Map<String, Long> names = new TreeMap<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (isLibrary(t)) {
        names.merge(t.getName().replaceAll("[0-9]+", "N"), 1L, Long::sum);
      }
    }
    return names;
  }

  /**
   * Advances the clock by a minute, task by task, each time only once no request is still on the
   * wire: virtual time must not run ahead of a late answer, or a retry would overlap the request a
   * client already gave up on (which a real clock, moving at the wire's pace, never sees).
   */
  private void advanceOneMinute(Fleet fleet, VirtualTime time) throws InterruptedException {
    Instant end = time.now().plus(Duration.ofMinutes(1));
    while (true) {
      for (Fleet.Upstream u : fleet.upstreams) {
        if (!u.inFlight().awaitIdle(WIRE_QUIET_WITHIN)) {
          breach(u.name() + " still answering after " + WIRE_QUIET_WITHIN + ": " + u.inFlight());
        }
      }
      Optional<Duration> next = time.nextTaskIn();
      if (next.isEmpty() || time.now().plus(next.get()).isAfter(end)) {
        break;
      }
      time.advance(next.get());
    }
    time.advanceTo(end);
  }

  private synchronized void breach(String what) {
    if (breaches.size() < 200) {
      breaches.add("minute " + minute + ": " + what);
    }
  }
}
