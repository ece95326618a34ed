package dev.ephemera.core.refresh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ephemera.core.BearerToken;
import dev.ephemera.core.CredentialSources;
import dev.ephemera.core.CredentialUnavailableException;
import dev.ephemera.core.CredentialUnavailableException.Reason;
import dev.ephemera.core.SourceState;
import dev.ephemera.core.Subscription;
import dev.ephemera.core.audit.AuditEvent;
import dev.ephemera.core.audit.AuditEventType;
import dev.ephemera.core.audit.AuditOutcome;
import dev.ephemera.core.testing.ManualTime;
import dev.ephemera.core.testing.RecordingListener;
import dev.ephemera.core.testing.ScriptedIssuer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The engine's rules (DESIGN §2 and §4), each on virtual time. */
class RefreshingCredentialSourceTest {
  private static final Duration HOUR = Duration.ofHours(1);

  private final ManualTime time = new ManualTime();
  private final RecordingListener audit = new RecordingListener();
  private final ScriptedIssuer issuer = new ScriptedIssuer(time.clock()).lifetime(HOUR);
  private final List<RefreshingCredentialSource<BearerToken>> sources = new ArrayList<>();

  @AfterEach
  void closeSources() {
    sources.forEach(RefreshingCredentialSource::close);
  }

  private RefreshingCredentialSource<BearerToken> source(
      ScriptedIssuer from, RefreshPolicy policy) {
    var s =
        CredentialSources.refreshing(from)
            .name("test")
            .timebase(time)
            .policy(policy)
            .auditListener(audit)
            .random(new SplittableRandom(7))
            .prefetch(false)
            .build();
    sources.add(s);
    return s;
  }

  private RefreshingCredentialSource<BearerToken> source() {
    return source(issuer, RefreshPolicy.defaults());
  }

  private static CredentialUnavailableException unavailable() {
    return new CredentialUnavailableException(Reason.UNAVAILABLE, "upstream 503");
  }

  @Test
  void current_isBuiltOncePerCredential_notOnEveryCall() {
    var s = source();
    BearerToken held = s.get();
    assertThat(s.current()).contains(held).isSameAs(s.current());
  }

  // ------------------------------------------------------------------ single flight

  @Test
  void get_thousandConcurrentFirstCallers_causeExactlyOneIssuance() throws Exception {
    int callers = 1_000;
    CountDownLatch arrived = new CountDownLatch(callers);
    issuer.onIssue(
        () -> {
          try {
            arrived.await(30, TimeUnit.SECONDS); // hold the issuance until every caller is in
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    var source = source();
    ExecutorService pool = Executors.newCachedThreadPool();
    try {
      List<Future<BearerToken>> results = new ArrayList<>();
      for (int i = 0; i < callers; i++) {
        results.add(
            pool.submit(
                () -> {
                  arrived.countDown();
                  return source.get();
                }));
      }
      Set<String> ids = ConcurrentHashMap.newKeySet();
      for (Future<BearerToken> f : results) {
        ids.add(f.get(60, TimeUnit.SECONDS).id());
      }
      assertThat(ids).containsExactly("fake-1");
      assertThat(issuer.issued()).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void prefetch_issuesAtBuild_soTheFirstCallerDoesNotWait() {
    var s = CredentialSources.refreshing(issuer).timebase(time).auditListener(audit).build();
    sources.add(s);
    assertThat(issuer.issued()).isEqualTo(1);
    assertThat(s.current()).isPresent();
    assertThat(s.name()).isEqualTo("fake");
  }

  // ------------------------------------------------------------------ proactive refresh

  @Test
  void refresh_happensAtTwoThirdsOfLifetime_withinTheTenPercentJitterBand() {
    List<Long> refreshSeconds = new ArrayList<>();
    for (int seed = 0; seed < 200; seed++) {
      ManualTime t = new ManualTime();
      ScriptedIssuer fi = new ScriptedIssuer(t.clock()).lifetime(HOUR);
      var s =
          CredentialSources.refreshing(fi)
              .timebase(t)
              .random(new SplittableRandom(seed))
              .prefetch(false)
              .build();
      s.get();
      Instant issuedAt = t.now();
      Instant next = java.util.Objects.requireNonNull(s.status().nextRefreshAt());
      refreshSeconds.add(Duration.between(issuedAt, next).toSeconds());
      // and it really happens then
      t.advanceTo(next.minusSeconds(1));
      assertThat(fi.issued()).isEqualTo(1);
      t.advance(Duration.ofSeconds(2));
      assertThat(fi.issued()).isEqualTo(2);
      s.close();
    }
    assertThat(refreshSeconds).allSatisfy(sec -> assertThat(sec).isBetween(2040L, 2760L));
    assertThat(refreshSeconds.stream().distinct().count())
        .as("jitter spreads a fleet's refreshes")
        .isGreaterThan(100);
    double mean = refreshSeconds.stream().mapToLong(Long::longValue).average().orElseThrow();
    assertThat(mean).isBetween(2300.0, 2500.0);
  }

  @Test
  void whileUpstreamWorks_noCallerEverWaits_overADayOfRotations() {
    var source = source();
    source.get();
    for (int minute = 0; minute < 24 * 60; minute++) {
      time.advance(Duration.ofMinutes(1));
      assertThat(source.current()).as("minute %s", minute).isPresent();
    }
    assertThat(issuer.issued()).isBetween(30, 42);
    assertThat(audit.count(AuditEventType.EXPIRED)).isZero();
    // rotations revoke the superseded credential after the swap
    assertThat(issuer.revokedIds()).hasSize(issuer.issued() - 1);
  }

  // ------------------------------------------------------------------ failures

  @Test
  void get_whenUpstreamFails_servesHeldCredential_andBacksOffWithFullJitter() {
    var source = source();
    BearerToken held = source.get();
    issuer.failAlways(unavailable());
    Instant start = time.now();
    time.advance(Duration.ofMinutes(58).plusSeconds(30));
    assertThat(source.get()).isSameAs(held);
    List<AuditEvent> failures = audit.ofType(AuditEventType.REFRESH_FAILED);
    assertThat(failures).hasSizeGreaterThan(5);
    for (AuditEvent e : failures) {
      long retryMs = Long.parseLong(e.attributes().get("retryInMs"));
      long cap = Math.min(60_000L, 1_000L << Math.min(20, e.attempt() - 1));
      assertThat(retryMs).as("attempt %s", e.attempt()).isLessThanOrEqualTo(cap);
      assertThat(e.error()).hasValueSatisfying(err -> assertThat(err.terminal()).isFalse());
      assertThat(e.time()).isBefore(start.plus(HOUR).minusSeconds(60));
    }
    assertThat(source.status().state()).isEqualTo(SourceState.DEGRADED);
    assertThat(source.status().failureStreak()).isEqualTo(failures.size());
  }

  @Test
  void retries_neverGoPastTheHeldCredentialsEndOfService() {
    var source = source();
    source.get();
    Instant endOfService = java.util.Objects.requireNonNull(source.status().expiresAt());
    issuer.failAlways(unavailable());
    time.advance(Duration.ofMinutes(59).plusSeconds(1));
    List<AuditEvent> failures = audit.ofType(AuditEventType.REFRESH_FAILED);
    List<Instant> before =
        failures.stream().map(AuditEvent::time).filter(t -> !t.isAfter(endOfService)).toList();
    assertThat(before).as("attempts keep coming right up to the end of service").isNotEmpty();
    assertThat(Duration.between(before.get(before.size() - 1), endOfService))
        .isLessThanOrEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void expiredCredential_isNeverReturned() {
    var source = source();
    BearerToken held = source.get();
    issuer.failAlways(unavailable());
    time.advance(HOUR.minusSeconds(60));
    assertThat(source.current()).isEmpty();
    assertThat(source.status().state()).isEqualTo(SourceState.UNAVAILABLE);
    assertThatThrownBy(source::get)
        .isInstanceOfSatisfying(
            CredentialUnavailableException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE));
    assertThat(audit.ofType(AuditEventType.EXPIRED))
        .singleElement()
        .satisfies(e -> assertThat(e.credentialId()).contains(held.id()));
  }

  @Test
  void terminalFailures_retryOnTheSlowCadence_transientOnTheFastOne() {
    var source = source();
    source.get();
    issuer.failAlways(new CredentialUnavailableException(Reason.REJECTED, "InvalidIdentityToken"));
    time.advance(Duration.ofMinutes(47)); // past the far edge of the refresh band (2/3 + 10%)
    List<AuditEvent> terminal = audit.ofType(AuditEventType.REFRESH_FAILED);
    assertThat(terminal).isNotEmpty();
    assertThat(terminal)
        .allSatisfy(
            e -> {
              assertThat(e.error()).hasValueSatisfying(err -> assertThat(err.terminal()).isTrue());
              assertThat(e.error().orElseThrow().reason()).isEqualTo("REJECTED");
            });
    assertThat(terminal.size()).as("slow cadence: 30 s doubling to 5 min").isLessThan(12);
  }

  @Test
  void retryAfterHint_isHonoured() {
    var source = source();
    source.get();
    issuer.failNext(
        new CredentialUnavailableException(
            Reason.THROTTLED, "Throttling", Duration.ofMinutes(5), null));
    time.advanceTo(java.util.Objects.requireNonNull(source.status().nextRefreshAt()));
    assertThat(audit.count(AuditEventType.REFRESH_FAILED)).isEqualTo(1);
    AuditEvent failed = audit.ofType(AuditEventType.REFRESH_FAILED).get(0);
    assertThat(Long.parseLong(failed.attributes().get("retryInMs")))
        .isGreaterThanOrEqualTo(300_000);
    int issuedBefore = issuer.issued();
    time.advanceTo(failed.time().plus(Duration.ofMinutes(5)).minusSeconds(1));
    assertThat(issuer.issued()).isEqualTo(issuedBefore);
    time.advance(Duration.ofSeconds(2));
    assertThat(issuer.issued()).isEqualTo(issuedBefore + 1);
  }

  @Test
  void firstIssuanceFailure_failsCallersFast_withTheTypedError_thenRecovers() {
    issuer.failNext(new CredentialUnavailableException(Reason.THROTTLED, "slow down"));
    var source = source();
    assertThatThrownBy(source::get)
        .isInstanceOfSatisfying(
            CredentialUnavailableException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.THROTTLED);
              assertThat(e.getCause()).isInstanceOf(CredentialUnavailableException.class);
            });
    assertThat(source.status().state()).isEqualTo(SourceState.UNAVAILABLE);
    time.advance(Duration.ofSeconds(2)); // the scheduled retry
    assertThat(source.current()).isPresent();
  }

  @Test
  void terminalFirstFailure_isAnsweredFromTheLastError_withoutHammeringUpstream() {
    issuer.failAlways(new CredentialUnavailableException(Reason.REJECTED, "AccessDenied"));
    var source = source();
    for (int i = 0; i < 50; i++) {
      assertThatThrownBy(source::get).isInstanceOf(CredentialUnavailableException.class);
    }
    assertThat(audit.count(AuditEventType.REFRESH_FAILED)).isEqualTo(1);
  }

  @Test
  void foreignExceptions_areTransient_andTheirMessagesSanitized() {
    String jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXZhbHVl";
    issuer.failNext(new IllegalStateException("upstream said token=CANARY-SECRET and " + jwt));
    var source = source();
    assertThatThrownBy(source::get)
        .isInstanceOfSatisfying(
            CredentialUnavailableException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE);
              for (Throwable t = e; t != null; t = t.getCause()) {
                assertThat(String.valueOf(t.getMessage()))
                    .doesNotContain("CANARY-SECRET")
                    .doesNotContain(jwt);
              }
            });
    assertThat(audit.allJson()).doesNotContain("CANARY-SECRET").doesNotContain(jwt);
  }

  @Test
  void alreadyExpiredCredential_isRejectedAsMalformed() {
    ScriptedIssuer zero = new ScriptedIssuer(time.clock()).lifetime(Duration.ZERO);
    var source = source(zero, RefreshPolicy.defaults());
    assertThatThrownBy(source::get)
        .isInstanceOfSatisfying(
            CredentialUnavailableException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED_RESPONSE));
    assertThat(source.current()).isEmpty();
  }

  @Test
  void shortLivedCredential_shrinksTheMargin_andRefreshesBeforeEndOfService() {
    ScriptedIssuer brief = new ScriptedIssuer(time.clock()).lifetime(Duration.ofSeconds(90));
    var source = source(brief, RefreshPolicy.defaults());
    source.get();
    time.advance(Duration.ofSeconds(44));
    assertThat(source.current()).isPresent();
    assertThat(brief.issued()).isEqualTo(2);
  }

  // ------------------------------------------------------------------ renewal

  @Test
  void renewableCredential_isRenewed_thenReissuedNearMaxTtl_andTheOldOneRevokedAfterTheSwap() {
    ScriptedIssuer vaultLike =
        new ScriptedIssuer(time.clock()).lifetime(HOUR).renewableUpTo(Duration.ofHours(4));
    var source = source(vaultLike, RefreshPolicy.defaults());
    source.get();
    for (int m = 0; m < 24 * 60; m++) {
      time.advance(Duration.ofMinutes(1));
      assertThat(source.current()).isPresent();
    }
    assertThat(vaultLike.renewed()).isGreaterThan(vaultLike.issued());
    assertThat(vaultLike.issued()).isBetween(6, 9);
    assertThat(audit.count(AuditEventType.RENEWED)).isEqualTo(vaultLike.renewed());
    assertThat(vaultLike.revokedIds()).hasSize(vaultLike.issued() - 1);
    // every revocation comes after the ISSUED event of the credential that replaced it
    List<AuditEvent> events = audit.events();
    for (String revoked : vaultLike.revokedIds()) {
      int revokedAt = indexOf(events, AuditEventType.REVOKED, revoked);
      int successor = Integer.parseInt(revoked.substring("fake-".length())) + 1;
      int issuedAt = indexOf(events, AuditEventType.ISSUED, "fake-" + successor);
      assertThat(revokedAt).isGreaterThan(issuedAt);
    }
  }

  private static int indexOf(List<AuditEvent> events, AuditEventType type, String id) {
    for (int i = 0; i < events.size(); i++) {
      if (events.get(i).type() == type && events.get(i).credentialId().orElse("").equals(id)) {
        return i;
      }
    }
    throw new AssertionError("no " + type + " for " + id);
  }

  @Test
  void refusedRenewal_isAudited_thenANewCredentialIsIssued() {
    ScriptedIssuer vaultLike =
        new ScriptedIssuer(time.clock()).lifetime(HOUR).renewableUpTo(Duration.ofHours(4));
    var source = source(vaultLike, RefreshPolicy.defaults());
    BearerToken first = source.get();
    vaultLike.failNext(new CredentialUnavailableException(Reason.REJECTED, "permission denied"));
    time.advance(Duration.ofMinutes(47));
    assertThat(source.current()).map(BearerToken::id).contains("fake-2");
    assertThat(
            audit.matching(
                e -> e.type() == AuditEventType.RENEWED && e.outcome() == AuditOutcome.FAILURE))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.credentialId()).contains(first.id());
              assertThat(e.error().orElseThrow().reason()).isEqualTo("REJECTED");
            });
    assertThat(audit.count(AuditEventType.REFRESH_FAILED)).isZero();
  }

  @Test
  void sameCredentialHandedBack_isARenewal_notARotation() {
    issuer.repeatLast(true);
    var source = source();
    List<BearerToken> told = new ArrayList<>();
    source.subscribe(told::add);
    BearerToken first = source.get();
    time.advance(Duration.ofMinutes(50));
    assertThat(issuer.issued()).isGreaterThanOrEqualTo(2);
    assertThat(source.current()).map(BearerToken::id).contains(first.id());
    assertThat(audit.count(AuditEventType.ISSUED)).isEqualTo(1);
    assertThat(audit.count(AuditEventType.RENEWED)).isEqualTo(issuer.issued() - 1);
    assertThat(told).isEmpty();
    assertThat(issuer.revokedIds()).isEmpty();
  }

  @Test
  void revokeDelay_keepsTheSupersededCredentialAliveForTheGracePeriod() {
    var source = source(issuer, RefreshPolicy.builder().revokeDelay(Duration.ofMinutes(2)).build());
    source.get();
    source.refresh().join();
    assertThat(issuer.revokedIds()).isEmpty();
    time.advance(Duration.ofMinutes(2));
    assertThat(issuer.revokedIds()).containsExactly("fake-1");
  }

  // ------------------------------------------------------------------ API

  @Test
  void subscribers_areToldOfRotations_inIsolation_andCanUnsubscribe() {
    var source = source();
    List<String> told = new ArrayList<>();
    source.subscribe(
        c -> {
          throw new IllegalStateException("a broken pool");
        });
    Subscription sub = source.subscribe(c -> told.add(c.id()));
    source.get();
    source.refresh().join();
    source.refresh().join();
    assertThat(told).containsExactly("fake-2", "fake-3");
    assertThat(audit.matching(e -> "subscriber-failed".equals(e.attributes().get("anomaly"))))
        .hasSize(2);
    sub.close();
    source.refresh().join();
    assertThat(told).hasSize(2);
  }

  @Test
  void getWithMinRemaining_refreshesEarly_whenTheHeldCredentialWouldNotLast() {
    var source = source();
    BearerToken first = source.get();
    time.advance(Duration.ofMinutes(30));
    assertThat(source.get(Duration.ofMinutes(20))).isSameAs(first);
    BearerToken longer = source.get(Duration.ofMinutes(45));
    assertThat(longer.id()).isNotEqualTo(first.id());
    assertThatThrownBy(() -> source.get(Duration.ofHours(2)))
        .isInstanceOf(CredentialUnavailableException.class)
        .hasMessageContaining("PT2H");
    assertThatThrownBy(() -> source.get(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void invalidate_stopsServingAtOnce_andIssuesANewCredential() {
    var source = source();
    BearerToken bad = source.get();
    BearerToken fresh = source.invalidate().join();
    assertThat(fresh.id()).isNotEqualTo(bad.id());
    assertThat(source.get()).isSameAs(fresh);
    assertThat(issuer.revokedIds()).containsExactly(bad.id());
  }

  @Test
  void getAsync_completesWithoutBlocking_andTimesOutOnTheInjectedScheduler() throws Exception {
    // Upstream calls on a real thread, timers on virtual time.
    ExecutorService workers = Executors.newSingleThreadExecutor();
    CountDownLatch release = new CountDownLatch(1);
    try {
      Timebase mixed =
          Timebase.of(
              time.clock(),
              time.ticker(),
              new Scheduler() {
                @Override
                public Task schedule(Runnable task, Duration delay) {
                  return time.scheduler().schedule(task, delay);
                }

                @Override
                public java.util.concurrent.Executor workers() {
                  return workers;
                }

                @Override
                public java.util.concurrent.Executor auditDelivery() {
                  return Runnable::run;
                }
              });
      issuer.onIssue(
          () -> {
            try {
              release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          });
      var source = CredentialSources.refreshing(issuer).timebase(mixed).prefetch(false).build();
      sources.add(source);
      CompletableFuture<BearerToken> pending = source.getAsync();
      assertThat(pending).isNotDone();
      time.advance(Duration.ofSeconds(31)); // the acquire timeout, on virtual time
      assertThat(pending).isCompletedExceptionally();
      assertThatThrownBy(pending::join)
          .hasCauseInstanceOf(CredentialUnavailableException.class)
          .hasMessageContaining("within PT30S");
      release.countDown();
      assertThat(source.refresh().get(10, TimeUnit.SECONDS).id()).isNotBlank();
      assertThat(source.getAsync().get(10, TimeUnit.SECONDS)).isSameAs(source.get());
    } finally {
      release.countDown();
      workers.shutdownNow();
    }
  }

  @Test
  void status_reportsStateExpiryNextRefreshAndFailures() {
    var source = source();
    assertThat(source.status().state()).isEqualTo(SourceState.STARTING);
    BearerToken c = source.get();
    var status = source.status();
    assertThat(status.credentialId()).isEqualTo(c.id());
    assertThat(status.expiresAt()).isEqualTo(c.expiresAt().minusSeconds(60));
    assertThat(status.nextRefreshAt())
        .isBetween(time.now().plusSeconds(2040), time.now().plusSeconds(2760));
    assertThat(status.issuances()).isEqualTo(1);
    assertThat(status.isHealthy()).isTrue();
    assertThat(source.toString()).contains("fake-1").doesNotContain("fake-secret");
  }

  // ------------------------------------------------------------------ close

  @Test
  void close_revokesTheHeldCredential_leavesNoTimer_andIsIdempotent() {
    var source = source();
    source.get();
    source.close();
    source.close();
    assertThat(issuer.revokedIds()).containsExactly("fake-1");
    assertThat(time.pendingTasks()).isZero();
    assertThat(audit.count(AuditEventType.CLOSED)).isEqualTo(1);
    assertThat(audit.ofType(AuditEventType.REVOKED))
        .singleElement()
        .satisfies(e -> assertThat(e.outcome()).isEqualTo(AuditOutcome.SUCCESS));
    assertThatThrownBy(source::get)
        .isInstanceOfSatisfying(
            CredentialUnavailableException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.CLOSED));
    assertThat(source.refresh()).isCompletedExceptionally();
    assertThat(source.current()).isEmpty();
  }

  @Test
  void close_revokesPendingDelayedRevocationsAtOnce() {
    var source = source(issuer, RefreshPolicy.builder().revokeDelay(Duration.ofMinutes(5)).build());
    source.get();
    source.refresh().join();
    source.close();
    assertThat(issuer.revokedIds()).containsExactlyInAnyOrder("fake-1", "fake-2");
    assertThat(time.pendingTasks()).isZero();
  }

  // ------------------------------------------------------------------ secrets

  @Test
  void noSecret_inToStringsStatusOrAuditEvents() {
    ScriptedIssuer canary = new ScriptedIssuer(time.clock()).secretPrefix("CANARY-VALUE-");
    var source = source(canary, RefreshPolicy.defaults());
    BearerToken c = source.get();
    source.refresh().join();
    canary.failNext(unavailable());
    source.refresh().exceptionally(e -> null).join();
    source.close();
    String everything =
        c
            + " "
            + c.token()
            + " "
            + source
            + " "
            + source.status()
            + audit.allJson()
            + audit.events();
    assertThat(everything).doesNotContain("CANARY-VALUE");
  }
}
