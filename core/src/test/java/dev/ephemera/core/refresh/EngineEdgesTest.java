package dev.ephemera.core.refresh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ephemera.core.BearerToken;
import dev.ephemera.core.CredentialSources;
import dev.ephemera.core.CredentialUnavailableException;
import dev.ephemera.core.CredentialUnavailableException.Reason;
import dev.ephemera.core.Secret;
import dev.ephemera.core.SourceState;
import dev.ephemera.core.audit.AuditEvent;
import dev.ephemera.core.audit.AuditEventType;
import dev.ephemera.core.spi.CredentialIssuer;
import dev.ephemera.core.spi.IssueResult;
import dev.ephemera.core.spi.IssuerInfo;
import dev.ephemera.core.testing.ManualTime;
import dev.ephemera.core.testing.RecordingListener;
import dev.ephemera.core.testing.ScriptedIssuer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The engine at its edges (issue 10, DESIGN invariants 9-12): hostile hints and settings, retry
 * storms with nothing held, close with waiters, unsatisfiable requests, upstream hints and a local
 * clock that is off. Each through the public API on virtual time.
 */
class EngineEdgesTest {
  private static final Duration HOUR = Duration.ofHours(1);
  private static final Duration THREE_HUNDRED_YEARS = Duration.ofDays(365L * 300);

  private final ManualTime time = new ManualTime();
  private final RecordingListener audit = new RecordingListener();
  private final ScriptedIssuer fake = new ScriptedIssuer(time.clock()).lifetime(HOUR);
  private final List<RefreshingCredentialSource<?>> sources = new ArrayList<>();

  @AfterEach
  void closeSources() {
    sources.forEach(RefreshingCredentialSource::close);
  }

  private <C extends dev.ephemera.core.Credential> RefreshingCredentialSource<C> source(
      CredentialIssuer<C> issuer, RefreshPolicy policy) {
    var s =
        CredentialSources.refreshing(issuer)
            .name("edges")
            .timebase(time)
            .policy(policy)
            .auditListener(audit)
            .random(new SplittableRandom(11))
            .prefetch(false)
            .build();
    sources.add(s);
    return s;
  }

  private static CredentialUnavailableException throttled(Duration retryAfter) {
    return new CredentialUnavailableException(Reason.THROTTLED, "slow down", retryAfter, null);
  }

  /** Counts issue() calls, whatever they end in. */
  private static final class Counting implements CredentialIssuer<BearerToken> {
    final CredentialIssuer<BearerToken> delegate;
    final AtomicInteger calls = new AtomicInteger();

    Counting(CredentialIssuer<BearerToken> delegate) {
      this.delegate = delegate;
    }

    @Override
    public BearerToken issue() {
      calls.incrementAndGet();
      return delegate.issue();
    }

    @Override
    public boolean revoke(BearerToken credential) {
      return delegate.revoke(credential);
    }

    @Override
    public IssuerInfo describe() {
      return delegate.describe();
    }
  }

  // ------------------------------------------------------------------ 1. nothing wedges

  @Test
  void retryAfterOfThreeHundredYears_withNothingHeld_isCapped_auditedAndHeals() {
    var source = source(fake, RefreshPolicy.defaults());
    fake.failNext(throttled(Duration.ofSeconds(Long.MAX_VALUE)));
    assertThatThrownBy(source::get)
        .isInstanceOfSatisfying(
            CredentialUnavailableException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.THROTTLED));
    assertThat(audit.count(AuditEventType.REFRESH_FAILED)).isEqualTo(1);
    SourceStatusAssert.nextAttemptWithin(source, time, RefreshPolicy.defaults().maxRetryAfter());
    time.advance(RefreshPolicy.defaults().maxRetryAfter());
    assertThat(source.current()).as("healed by the capped retry").isPresent();
  }

  @Test
  void retryAfterOfThreeHundredYears_withACredentialHeld_neverPassesTheEndOfService() {
    var source = source(fake, RefreshPolicy.defaults());
    source.get();
    fake.failAlways(throttled(Duration.ofSeconds(Long.MAX_VALUE)));
    time.advance(Duration.ofMinutes(47)); // past the far edge of the refresh band
    assertThat(source.status().state()).isEqualTo(SourceState.DEGRADED);
    assertThat(source.status().nextRefreshAt()).isBefore(time.now().plus(Duration.ofMinutes(13)));
    fake.recover();
    time.advance(Duration.ofMinutes(12));
    assertThat(source.status().state()).isEqualTo(SourceState.VALID);
    assertThat(audit.count(AuditEventType.EXPIRED)).isZero();
  }

  @Test
  void backoffSettingsOfThreeHundredYears_doNotOverflow_theSourceAnswersAndStaysTyped() {
    RefreshPolicy policy =
        RefreshPolicy.builder()
            .backoff(Duration.ofSeconds(1), THREE_HUNDRED_YEARS)
            .terminalBackoff(Duration.ofSeconds(30), THREE_HUNDRED_YEARS)
            .acquireTimeout(THREE_HUNDRED_YEARS)
            .maxRetryAfter(THREE_HUNDRED_YEARS)
            .build();
    var source = source(fake, policy);
    for (int i = 0; i < 80; i++) {
      fake.failNext(new CredentialUnavailableException(Reason.UNAVAILABLE, "503"));
      source.refresh();
    }
    assertThat(source.status().failureStreak()).isEqualTo(80);
    assertThat(source.status().state()).isEqualTo(SourceState.UNAVAILABLE);
    assertThat(source.status().nextRefreshAt()).as("a retry is planned").isNotNull();
    assertThat(audit.count(AuditEventType.REFRESH_FAILED)).isEqualTo(80);
    assertThatThrownBy(source::get)
        .as("fails fast with the last typed error, does not hang")
        .isInstanceOf(CredentialUnavailableException.class);
  }

  @Test
  void getWithAMinimumOfThreeHundredYears_failsTyped_withoutArithmeticException() {
    var source = source(fake, RefreshPolicy.defaults());
    source.get();
    assertThatThrownBy(() -> source.get(THREE_HUNDRED_YEARS))
        .isInstanceOf(CredentialUnavailableException.class);
    assertThatThrownBy(() -> source.get(Duration.ofSeconds(Long.MAX_VALUE, 999_999_999)))
        .isInstanceOf(CredentialUnavailableException.class);
  }

  @Test
  void anErrorFromTheIssuer_isATypedTransientFailure_andNeverReachesTheCaller() {
    var source = source(fake, RefreshPolicy.defaults());
    fake.onIssue(
        () -> {
          throw new StackOverflowError();
        });
    assertThatThrownBy(source::get)
        .isInstanceOfSatisfying(
            CredentialUnavailableException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE));
    fake.onIssue(() -> {});
    time.advance(Duration.ofSeconds(1));
    assertThat(source.current()).isPresent();
  }

  /** Where a failure is injected: every collaborator the engine calls. */
  enum Site {
    CLOCK,
    TICKER,
    SCHEDULE,
    WORKERS,
    RANDOM,
    ISSUE,
    DESCRIBE,
    LISTENER
  }

  @ParameterizedTest
  @EnumSource(Site.class)
  void aFailureInjectedAtAnyStep_neverLeavesAnAttemptInFlight_orAWaiterUncompleted(Site site) {
    for (int n = 1; n <= 30; n++) {
      Faulty faulty = new Faulty(time, site, n);
      var source =
          CredentialSources.refreshing(faulty.issuer(fake))
              .name("faulty")
              .timebase(faulty)
              .auditListener(faulty.listener(audit))
              .random(faulty.random())
              .prefetch(false)
              .build();
      CompletableFuture<BearerToken> first = source.getAsync();
      time.advance(Duration.ofSeconds(31));
      assertThat(first).as("the first caller is answered (%s, call %d)", site, n).isDone();
      // A whole refresh cycle with the fault still armed for its remaining calls.
      time.advance(Duration.ofMinutes(50));
      faulty.disarm();
      time.advance(Duration.ofMinutes(6));
      CompletableFuture<BearerToken> after = source.getAsync();
      time.advance(Duration.ofSeconds(31));
      assertThat(after).as("the source serves again (%s, call %d)", site, n).isCompleted();
      assertThat(after.join().expiresAt()).isAfter(time.now());
      source.close();
      assertThat(time.pendingTasks()).as("nothing left behind (%s, call %d)", site, n).isZero();
    }
  }

  @Test
  void theDocumentedOutageFigure_holdsAtTheWorstJitter_zeroToleranceForCallerErrors() {
    // The jitter draw at its top (+10 %): the first refresh at 0.767 L, the latest it can be.
    RandomGenerator top = () -> -1L; // all bits set: nextDouble() is 1 - 2^-53
    var source =
        register(
            CredentialSources.refreshing(fake)
                .timebase(time)
                .random(top)
                .auditListener(audit)
                .prefetch(false)
                .build());
    source.get();
    Duration refreshAt = Duration.ofNanos((long) (HOUR.toNanos() * (2.0 / 3 + 0.1)));
    time.advance(refreshAt.minusSeconds(1));
    assertThat(fake.issued()).isEqualTo(1);
    fake.failAlways(new CredentialUnavailableException(Reason.UNAVAILABLE, "503"));
    // README: an outage from the refresh point lasting 0.233 L - 60 s (13 min of 1 h) costs
    // nothing.
    Duration outage = Duration.ofNanos((long) (HOUR.toNanos() * (1.0 / 3 - 0.1))).minusSeconds(63);
    int callerErrors = 0;
    for (Duration t = Duration.ZERO; t.compareTo(outage) < 0; t = t.plusSeconds(1)) {
      callerErrors += getFails(source);
      time.advance(Duration.ofSeconds(1));
    }
    assertThat(audit.count(AuditEventType.REFRESH_FAILED)).isPositive();
    fake.recover();
    for (int s = 0; s < 600; s++) {
      callerErrors += getFails(source);
      time.advance(Duration.ofSeconds(1));
    }
    assertThat(callerErrors).isZero();
    assertThat(audit.count(AuditEventType.EXPIRED)).isZero();
  }

  private static int getFails(RefreshingCredentialSource<BearerToken> source) {
    try {
      source.get();
      return 0;
    } catch (CredentialUnavailableException e) {
      return 1;
    }
  }

  private <C extends dev.ephemera.core.Credential> RefreshingCredentialSource<C> register(
      RefreshingCredentialSource<C> s) {
    sources.add(s);
    return s;
  }

  // ------------------------------------------------------------------ 2. backoff binds callers

  @Test
  void throttledAtStartUp_callersWithinTheRetryAfter_failFast_withoutUpstreamCalls() {
    Counting issuer = new Counting(fake);
    var source = source(issuer, RefreshPolicy.defaults());
    fake.failAlways(throttled(Duration.ofSeconds(7)));
    for (int i = 0; i < 30; i++) {
      assertThatThrownBy(source::get).isInstanceOf(CredentialUnavailableException.class);
      time.advance(Duration.ofMillis(100));
    }
    assertThat(issuer.calls).as("30 callers in 3 s: one upstream call").hasValue(1);
    time.advance(Duration.ofSeconds(4).plusMillis(1)); // 7 s after the first call
    assertThat(issuer.calls).as("the planned retry, at the hint").hasValue(2);
  }

  @Test
  void upstreamCalls_areTheSame_forOneCallerAndForAThousand() {
    assertThat(callsDuringAnOutage(1)).isEqualTo(callsDuringAnOutage(1_000));
  }

  private int callsDuringAnOutage(int callers) {
    ManualTime t = new ManualTime();
    ScriptedIssuer f = new ScriptedIssuer(t.clock()).lifetime(HOUR);
    Counting issuer = new Counting(f);
    var source =
        CredentialSources.refreshing(issuer)
            .timebase(t)
            .random(new SplittableRandom(5))
            .prefetch(false)
            .build();
    try {
      source.get();
      f.failAlways(new CredentialUnavailableException(Reason.UNAVAILABLE, "503"));
      for (int second = 0; second < 65 * 60; second++) {
        for (int c = 0; c < callers; c++) {
          try {
            source.get();
          } catch (CredentialUnavailableException e) {
            // expected once the held credential is past its end of service
          }
        }
        t.advance(Duration.ofSeconds(1));
      }
      return issuer.calls.get();
    } finally {
      source.close();
    }
  }

  @Test
  void sixHundredFiftyCallsPastExpiry_followTheBackoff_notTheCallers() {
    Counting issuer = new Counting(fake);
    var source = source(issuer, RefreshPolicy.defaults());
    source.get();
    fake.failAlways(new CredentialUnavailableException(Reason.UNAVAILABLE, "503"));
    time.advance(HOUR);
    int before = issuer.calls.get();
    for (int i = 0; i < 650; i++) {
      assertThatThrownBy(source::get).isInstanceOf(CredentialUnavailableException.class);
      time.advance(Duration.ofMillis(100));
    }
    // 65 s of calls; with the backoff capped at 60 s there are at most a few attempts in it.
    assertThat(issuer.calls.get() - before).isBetween(1, 4);
  }

  // ------------------------------------------------------------------ 3. audit drops, visible

  @Test
  void auditEventsAListenerCouldNotTake_areCountedInStatus_withoutAnyListenerReadingThem() {
    List<Runnable> neverRun = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.concurrent.atomic.AtomicBoolean stalled =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    Scheduler stuckAudit =
        new Scheduler() {
          @Override
          public Task schedule(Runnable task, Duration delay) {
            return time.scheduler().schedule(task, delay);
          }

          @Override
          public java.util.concurrent.Executor workers() {
            return time.scheduler().workers();
          }

          @Override
          public java.util.concurrent.Executor auditDelivery() {
            return r -> {
              if (stalled.get()) {
                neverRun.add(r);
              } else {
                r.run();
              }
            };
          }
        };
    var source =
        register(
            CredentialSources.refreshing(fake)
                .timebase(Timebase.of(time.clock(), time.ticker(), stuckAudit))
                .auditListener(e -> {})
                .auditQueueCapacity(2)
                .random(new SplittableRandom(1))
                .prefetch(false)
                .build());
    try {
      source.get();
      for (int i = 0; i < 5; i++) {
        source.refresh();
      }
      // 6 ISSUED and 5 REVOKED events; 2 fit the listener's queue: 9 lost and counted.
      assertThat(source.status().auditEventsDropped()).isEqualTo(9);
      assertThat(source.get()).isNotNull();
    } finally {
      // The executor comes back: what was queued is delivered, and close() finds it working.
      stalled.set(false);
      while (!neverRun.isEmpty()) {
        neverRun.remove(0).run();
      }
    }
  }

  // ------------------------------------------------------------------ 5. close releases waiters

  @Test
  void close_completesAWaitingCaller_atOnce_andRevokesTheLateAnswer() throws Exception {
    CountDownLatch inIssue = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    fake.onIssue(
        () -> {
          inIssue.countDown();
          try {
            release.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    var source = source(fake, RefreshPolicy.defaults());
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<BearerToken> running =
          pool.submit((java.util.concurrent.Callable<BearerToken>) source::get);
      assertThat(inIssue.await(30, TimeUnit.SECONDS)).isTrue();
      CompletableFuture<BearerToken> waiter = source.getAsync();
      assertThat(waiter).isNotDone();
      source.close();
      assertThat(waiter).isCompletedExceptionally();
      assertThatThrownBy(waiter::join)
          .cause()
          .isInstanceOfSatisfying(
              CredentialUnavailableException.class,
              e -> assertThat(e.reason()).isEqualTo(Reason.CLOSED));
      release.countDown();
      assertThatThrownBy(() -> running.get(30, TimeUnit.SECONDS))
          .cause()
          .isInstanceOf(CredentialUnavailableException.class);
      assertThat(fake.revokedIds()).as("the late answer is revoked").containsExactly("fake-1");
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }

  // ------------------------------------------------------------------ 6. unsatisfiable minimum

  @Test
  void getForLongerThanTheUpstreamIssues_issuesOnce_thenFailsFast_withConfiguration() {
    var source = source(fake, RefreshPolicy.defaults());
    List<Reason> reasons = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      try {
        source.get(Duration.ofHours(2));
      } catch (CredentialUnavailableException e) {
        reasons.add(e.reason());
      }
    }
    assertThat(reasons).hasSize(10);
    assertThat(reasons.subList(1, 10)).containsOnly(Reason.CONFIGURATION);
    assertThat(fake.issued()).as("one issuance shows the upstream's limit").isEqualTo(1);
    assertThat(fake.revokedIds()).isEmpty();
    assertThat(source.get(Duration.ofMinutes(30))).isNotNull();
    assertThat(fake.issued()).isEqualTo(1);
  }

  @Test
  void getForLongerThanTheUpstreamIssues_afterARefreshShowedTheLimit_neverIssues() {
    var source = source(fake, RefreshPolicy.defaults());
    source.get();
    assertThatThrownBy(() -> source.get(Duration.ofHours(2)))
        .isInstanceOfSatisfying(
            CredentialUnavailableException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.CONFIGURATION);
              assertThat(e).hasMessageContaining("PT2H").hasMessageContaining("PT59M");
            });
    assertThat(fake.issued()).isEqualTo(1);
  }

  // ------------------------------------------------------------------ 7. upstream hints

  /** An issuer that says something about time: an upstream clock and hints. */
  private static final class Hinting implements CredentialIssuer<BearerToken> {
    private final Clock upstream;
    private final Duration lifetime;
    private final Function<IssueResult<BearerToken>, IssueResult<BearerToken>> hints;
    private final AtomicInteger n = new AtomicInteger();
    volatile boolean failing;

    Hinting(
        Clock upstream,
        Duration lifetime,
        Function<IssueResult<BearerToken>, IssueResult<BearerToken>> hints) {
      this.upstream = upstream;
      this.lifetime = lifetime;
      this.hints = hints;
    }

    @Override
    public BearerToken issue() {
      return issueResult().credential();
    }

    @Override
    public IssueResult<BearerToken> issueResult() {
      if (failing) {
        throw new CredentialUnavailableException(Reason.UNAVAILABLE, "503");
      }
      Instant now = upstream.instant();
      BearerToken t =
          BearerToken.builder()
              .token(Secret.of("hinted-" + n.incrementAndGet()))
              .id("hinted-" + n.get())
              .issuedAt(now)
              .expiresAt(now.plus(lifetime))
              .build();
      return hints.apply(IssueResult.of(t).withUpstreamTime(now));
    }

    int issued() {
      return n.get();
    }

    @Override
    public IssuerInfo describe() {
      return IssuerInfo.of("hinting", "me", "it");
    }
  }

  @Test
  void refreshHint_earlierThanTheSchedule_isHonoured() {
    var issuer =
        new Hinting(time.upstreamClock(), HOUR, r -> r.withRefreshIn(Duration.ofMinutes(30)));
    var source = source(issuer, RefreshPolicy.defaults());
    source.get();
    time.advance(Duration.ofMinutes(30).minusSeconds(1));
    assertThat(issuer.issued()).isEqualTo(1);
    time.advance(Duration.ofSeconds(2));
    assertThat(issuer.issued()).as("refreshed at the upstream's hint").isEqualTo(2);
    assertThat(audit.ofType(AuditEventType.ISSUED).get(0).attributes())
        .containsEntry("refreshHintSeconds", "1800");
  }

  @Test
  void refreshHint_laterThanTheSchedule_doesNotDelayIt() {
    var issuer = new Hinting(time.upstreamClock(), HOUR, r -> r.withRefreshIn(Duration.ofHours(5)));
    var source = source(issuer, RefreshPolicy.defaults());
    source.get();
    time.advance(Duration.ofMinutes(47)); // past the far edge of the band (2/3 + 10%)
    assertThat(issuer.issued()).isEqualTo(2);
  }

  @Test
  void staleHint_stopsServingAtTheUpstreamsTime() {
    var issuer =
        new Hinting(
            time.upstreamClock(),
            HOUR,
            r -> r.withStaleIn(Duration.ofMinutes(20)).withRefreshIn(Duration.ofMinutes(50)));
    var source = source(issuer, RefreshPolicy.defaults());
    source.get();
    assertThat(source.status().expiresAt()).isEqualTo(time.now().plus(Duration.ofMinutes(20)));
    time.advance(Duration.ofMinutes(20));
    assertThat(issuer.issued()).as("refreshed before it went stale").isEqualTo(2);
    assertThat(audit.count(AuditEventType.EXPIRED)).isZero();
  }

  // ------------------------------------------------------------------ 4. skew

  @Test
  void localClockTwoHoursAhead_servesByTheUpstreamsLifetime_andAuditsTheSkew() {
    time.jumpWallClock(Duration.ofHours(2));
    var issuer = new Hinting(time.upstreamClock(), HOUR, r -> r);
    var source = source(issuer, RefreshPolicy.defaults());
    BearerToken t = source.get();
    assertThat(source.status().state()).isEqualTo(SourceState.VALID);
    assertThat(source.status().expiresAt())
        .as("served for the server-relative 59 minutes, shown on the local clock")
        .isEqualTo(time.now().plus(Duration.ofMinutes(59)));
    assertThat(audit.matching(e -> "clock-skew".equals(e.attributes().get("anomaly"))))
        .singleElement()
        .satisfies(e -> assertThat(e.attributes()).containsEntry("skewSeconds", "7200"))
        .satisfies(e -> assertThat(e.credentialId()).contains(t.id()));
    for (int minute = 0; minute < 180; minute++) {
      assertThat(source.get().expiresAt()).isAfter(time.upstreamClock().instant());
      time.advance(Duration.ofMinutes(1));
    }
    assertThat(audit.count(AuditEventType.REFRESH_FAILED)).isZero();
    assertThat(issuer.issued()).isBetween(4, 6);
  }

  @Test
  void localClockBehind_neverStretchesACredentialPastTheUpstreamsExpiry() {
    time.jumpWallClock(Duration.ofHours(-3));
    var issuer = new Hinting(time.upstreamClock(), HOUR, r -> r);
    var source = source(issuer, RefreshPolicy.defaults());
    BearerToken t = source.get();
    issuer.failing = true;
    time.advance(Duration.ofMinutes(59).minusSeconds(1));
    assertThat(source.current())
        .as("served up to the upstream's expiry less the margin")
        .isPresent();
    time.advance(Duration.ofSeconds(2));
    assertThat(source.current())
        .as("and not a moment past it, whatever the local clock says")
        .isEmpty();
    assertThat(time.upstreamClock().instant()).isBefore(t.expiresAt());
  }

  // ------------------------------------------------------------------ helpers

  /** Assertions on the planned next attempt. */
  private static final class SourceStatusAssert {
    static void nextAttemptWithin(
        RefreshingCredentialSource<?> source, ManualTime time, Duration bound) {
      Instant next = source.status().nextRefreshAt();
      assertThat(next).as("a next attempt is planned").isNotNull();
      assertThat(next).isBeforeOrEqualTo(time.now().plus(bound));
    }
  }

  /** A timebase, issuer, listener and random source whose n-th call at one site throws. */
  private static final class Faulty implements Timebase {
    private final ManualTime time;
    private final Site site;
    private final AtomicInteger countdown;
    private final boolean asError;
    private volatile boolean armed = true;

    Faulty(ManualTime time, Site site, int n) {
      this.time = time;
      this.site = site;
      this.countdown = new AtomicInteger(n);
      this.asError = n % 2 == 1;
    }

    void disarm() {
      armed = false;
    }

    void maybeFail(Site at) {
      if (armed && at == site && countdown.decrementAndGet() == 0) {
        if (asError) {
          throw new StackOverflowError("injected at " + at);
        }
        throw new IllegalStateException("injected at " + at);
      }
    }

    @Override
    public Clock clock() {
      Clock c = time.clock();
      return new Clock() {
        @Override
        public ZoneId getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
          return this;
        }

        @Override
        public Instant instant() {
          maybeFail(Site.CLOCK);
          return c.instant();
        }
      };
    }

    @Override
    public Ticker ticker() {
      return () -> {
        maybeFail(Site.TICKER);
        return time.nanoTime();
      };
    }

    @Override
    public Scheduler scheduler() {
      Scheduler s = time.scheduler();
      return new Scheduler() {
        @Override
        public Task schedule(Runnable task, Duration delay) {
          maybeFail(Site.SCHEDULE);
          return s.schedule(task, delay);
        }

        @Override
        public java.util.concurrent.Executor workers() {
          return r -> {
            maybeFail(Site.WORKERS);
            // As on a real pool, what a task throws dies with it and never reaches the submitter.
            s.workers()
                .execute(
                    () -> {
                      try {
                        r.run();
                      } catch (Throwable e) {
                        // lost, as on a worker thread
                      }
                    });
          };
        }

        @Override
        public java.util.concurrent.Executor auditDelivery() {
          return s.auditDelivery();
        }
      };
    }

    @Override
    public RandomGenerator random() {
      SplittableRandom r = new SplittableRandom(3);
      return new RandomGenerator() {
        @Override
        public long nextLong() {
          maybeFail(Site.RANDOM);
          return r.nextLong();
        }
      };
    }

    CredentialIssuer<BearerToken> issuer(ScriptedIssuer fake) {
      return new CredentialIssuer<>() {
        @Override
        public BearerToken issue() {
          maybeFail(Site.ISSUE);
          return fake.issue();
        }

        @Override
        public IssuerInfo describe() {
          maybeFail(Site.DESCRIBE);
          return fake.describe();
        }
      };
    }

    dev.ephemera.core.audit.AuditListener listener(RecordingListener to) {
      return (AuditEvent e) -> {
        maybeFail(Site.LISTENER);
        to.onEvent(e);
      };
    }
  }
}
