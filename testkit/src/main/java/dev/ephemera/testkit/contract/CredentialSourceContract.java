package dev.ephemera.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.ephemera.core.Credential;
import dev.ephemera.core.CredentialSources;
import dev.ephemera.core.CredentialUnavailableException;
import dev.ephemera.core.CredentialUnavailableException.Reason;
import dev.ephemera.core.SourceState;
import dev.ephemera.core.audit.AuditEvent;
import dev.ephemera.core.audit.AuditEventType;
import dev.ephemera.core.refresh.RefreshPolicy;
import dev.ephemera.core.refresh.RefreshingCredentialSource;
import dev.ephemera.testkit.RecordingAuditListener;
import dev.ephemera.testkit.emulator.Fault;
import dev.ephemera.testkit.time.VirtualTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The refresh engine's promises, run against a backend's real issuer and emulator on virtual time.
 * Extend it and implement {@link #fixture(VirtualTime)}; every test here then runs for your
 * backend.
 *
 * <p>The fixture's credentials must live at least ten minutes; the tests use the default {@link
 * RefreshPolicy} (refresh at 2/3 ± 10% of the lifetime, 60 s expiry margin, 1..60 s backoff).
 *
 * @param <C> the credential type
 */
public abstract class CredentialSourceContract<C extends Credential> {
  private static final Duration MARGIN = RefreshPolicy.defaults().expiryMargin();

  /** The test's virtual time. */
  protected VirtualTime time = VirtualTime.create();

  /** The audit events of the source under test. */
  protected RecordingAuditListener audit = new RecordingAuditListener();

  private @Nullable ContractFixture<C> fixture;
  private final List<RefreshingCredentialSource<C>> sources = new ArrayList<>();

  /** Builds the backend's fixture on {@code time}. */
  protected abstract ContractFixture<C> fixture(VirtualTime time) throws Exception;

  @BeforeEach
  public final void startContractFixture() throws Exception {
    time = VirtualTime.create();
    audit = new RecordingAuditListener();
    fixture = fixture(time);
    assumeThat(fixture.lifetime()).isGreaterThanOrEqualTo(Duration.ofMinutes(10));
  }

  @AfterEach
  public final void stopContractFixture() {
    sources.forEach(RefreshingCredentialSource::close);
    sources.clear();
    if (fixture != null) {
      fixture.close();
    }
  }

  /** The fixture built for this test. */
  protected final ContractFixture<C> fx() {
    if (fixture == null) {
      throw new IllegalStateException("fixture not started");
    }
    return fixture;
  }

  /** A source on the fixture's issuer, virtual time and the default policy; no prefetch. */
  protected final RefreshingCredentialSource<C> newSource() {
    RefreshingCredentialSource<C> s =
        CredentialSources.refreshing(fx().issuer())
            .name("contract")
            .timebase(time)
            .auditListener(audit)
            .random(new SplittableRandom(42))
            .prefetch(false)
            .build();
    sources.add(s);
    return s;
  }

  private Duration lifetime() {
    return fx().lifetime();
  }

  private Duration fractionOfLifetime(double f) {
    return Duration.ofNanos((long) (lifetime().toNanos() * f));
  }

  @Test
  public void get_returnsCredentialValidBeyondTheExpiryMargin() {
    var source = newSource();
    C c = source.get();
    assertThat(c.expiresAt()).isAfter(time.now().plus(MARGIN));
    assertThat(source.status().state()).isEqualTo(SourceState.VALID);
    assertThat(fx().upstreamCalls()).isEqualTo(1);
    assertThat(audit.ofType(AuditEventType.ISSUED))
        .singleElement()
        .satisfies(e -> assertThat(e.credentialId()).contains(c.id()));
  }

  @Test
  public void get_manyConcurrentFirstCallers_causeOneUpstreamCall() throws Exception {
    var source = newSource();
    int callers = 32;
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<C>> results = new ArrayList<>();
      for (int i = 0; i < callers; i++) {
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  return source.get();
                }));
      }
      start.countDown();
      List<String> ids = new ArrayList<>();
      for (Future<C> f : results) {
        ids.add(f.get(60, TimeUnit.SECONDS).id());
      }
      assertThat(ids).hasSize(callers).containsOnly(ids.get(0));
      assertThat(fx().upstreamCalls()).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  public void refresh_happensProactively_withinTheJitterBandAroundTwoThirds() {
    var source = newSource();
    C first = source.get();
    time.advance(fractionOfLifetime(2.0 / 3 - 0.1).minusSeconds(1));
    assertThat(fx().upstreamCalls()).as("no refresh before the jitter band").isEqualTo(1);
    assertThat(source.current()).map(Credential::id).contains(first.id());

    time.advance(fractionOfLifetime(0.2).plusSeconds(2));
    assertThat(fx().upstreamCalls()).as("one refresh inside the band").isEqualTo(2);
    C next = source.current().orElseThrow();
    if (fx().rotatesOnEachIssuance()) {
      assertThat(next.id()).isNotEqualTo(first.id());
    }
    assertThat(source.status().state()).isEqualTo(SourceState.VALID);
  }

  @Test
  public void get_whenUpstreamFails_servesHeldCredential() {
    var source = newSource();
    C held = source.get();
    fx().faults().always(Fault.status(503));
    time.advance(fractionOfLifetime(0.85));
    assertThat(source.get().id()).isEqualTo(held.id());
    assertThat(source.status().state()).isEqualTo(SourceState.DEGRADED);
    assertThat(source.status().failureStreak()).isPositive();
    assertThat(audit.ofType(AuditEventType.REFRESH_FAILED))
        .isNotEmpty()
        .allSatisfy(
            e ->
                assertThat(e.error())
                    .hasValueSatisfying(err -> assertThat(err.terminal()).isFalse()));
  }

  @Test
  public void retries_backOff_andNeverOutliveTheHeldCredential() {
    var source = newSource();
    C held = source.get();
    fx().faults().always(Fault.status(503));
    Duration serve = lifetime().minus(MARGIN);
    time.advance(serve.minusSeconds(1));
    assertThat(source.get().id()).isEqualTo(held.id());
    int attempts = fx().upstreamCalls() - 1;
    assertThat(attempts).as("retries happen, but with backoff, not in a loop").isBetween(3, 300);

    time.advance(Duration.ofSeconds(2));
    assertThat(source.current()).as("an expired credential is never served").isEmpty();
    assertThat(source.status().state()).isEqualTo(SourceState.UNAVAILABLE);
    assertThatThrownBy(source::get)
        .isInstanceOf(CredentialUnavailableException.class)
        .satisfies(e -> assertThat(((CredentialUnavailableException) e).isTerminal()).isFalse());
    assertThat(audit.ofType(AuditEventType.EXPIRED))
        .singleElement()
        .satisfies(e -> assertThat(e.credentialId()).contains(held.id()));
  }

  @Test
  public void source_recoversOnItsOwn_afterTheOutageEnds() {
    var source = newSource();
    source.get();
    fx().faults().always(Fault.status(503));
    time.advance(lifetime());
    assertThat(source.current()).isEmpty();
    fx().faults().clear();
    time.advance(Duration.ofSeconds(61));
    assertThat(source.current()).isPresent();
    assertThat(source.status().state()).isEqualTo(SourceState.VALID);
    assertThat(source.status().failureStreak()).isZero();
  }

  @Test
  public void throttling_isClassifiedThrottled_andKeepsTheHeldCredential() {
    var source = newSource();
    C held = source.get();
    fx().faults().always(Fault.throttle(Duration.ofSeconds(5)));
    time.advance(fractionOfLifetime(0.8));
    assertThat(source.get().id()).isEqualTo(held.id());
    assertThat(audit.ofType(AuditEventType.REFRESH_FAILED))
        .isNotEmpty()
        .allSatisfy(
            e ->
                assertThat(e.error())
                    .hasValueSatisfying(
                        err -> {
                          assertThat(err.reason()).isEqualTo(Reason.THROTTLED.name());
                          assertThat(err.terminal()).isFalse();
                        }));
  }

  @Test
  public void garbledResponses_areTransientFailures_thatKeepTheHeldCredential() {
    var source = newSource();
    C held = source.get();
    fx().faults()
        .next(Fault.malformedBody())
        .next(Fault.truncatedBody())
        .next(Fault.connectionReset());
    time.advance(fractionOfLifetime(0.77).plusSeconds(1));
    assertThat(source.current()).isPresent();
    assertThat(audit.ofType(AuditEventType.REFRESH_FAILED))
        .hasSizeGreaterThanOrEqualTo(1)
        .allSatisfy(
            e ->
                assertThat(e.error())
                    .hasValueSatisfying(err -> assertThat(err.terminal()).isFalse()));
    time.advance(Duration.ofMinutes(5));
    assertThat(audit.count(AuditEventType.REFRESH_FAILED)).isEqualTo(3);
    assertThat(source.status().state()).isEqualTo(SourceState.VALID);
    if (fx().rotatesOnEachIssuance()) {
      assertThat(source.get().id()).isNotEqualTo(held.id());
    }
  }

  @Test
  public void alreadyExpiredCredentialFromUpstream_isNeverServed() {
    var source = newSource();
    fx().faults().next(Fault.expiredCredential());
    assertThatThrownBy(source::get).isInstanceOf(CredentialUnavailableException.class);
    assertThat(source.current()).isEmpty();
    C c = source.get();
    assertThat(c.expiresAt()).isAfter(time.now().plus(MARGIN));
  }

  @Test
  public void wallClockJump_doesNotExtendTheServedLifetime() {
    var source = newSource();
    source.get();
    fx().faults().always(Fault.status(503));
    time.jumpWallClock(Duration.ofHours(-3));
    time.advance(lifetime().minus(MARGIN).plusSeconds(1));
    assertThat(source.current()).as("lifetimes are measured on the ticker").isEmpty();
  }

  @Test
  public void close_revokesStopsEveryTimer_andIsIdempotent() {
    var source = newSource();
    source.get();
    source.close();
    source.close();
    assertThat(time.pendingTasks()).as("no timer left behind").isZero();
    assertThat(source.status().state()).isEqualTo(SourceState.CLOSED);
    assertThatThrownBy(source::get)
        .isInstanceOf(CredentialUnavailableException.class)
        .satisfies(
            e ->
                assertThat(((CredentialUnavailableException) e).reason()).isEqualTo(Reason.CLOSED));
    assertThat(audit.count(AuditEventType.CLOSED)).isEqualTo(1);
  }

  @Test
  public void noSecret_inAuditEventsToStringsStatusOrErrors() {
    var source = newSource();
    C c = source.get();
    fx().faults().next(Fault.status(500));
    Throwable failure = null;
    try {
      source.refresh().join();
    } catch (RuntimeException e) {
      failure = e;
    }
    time.advance(lifetime());
    StringBuilder everything =
        new StringBuilder()
            .append(audit.allJson())
            .append(c)
            .append(source)
            .append(source.status());
    for (Throwable t = failure; t != null; t = t.getCause()) {
      everything.append(t).append(t.getMessage());
    }
    for (AuditEvent e : audit.events()) {
      everything.append(e).append(e.attributes());
    }
    List<String> secrets = fx().secretValues(c);
    assertThat(secrets).as("the fixture names the credential's secrets").isNotEmpty();
    for (String secret : secrets) {
      assertThat(everything.toString()).doesNotContain(secret);
    }
  }
}
