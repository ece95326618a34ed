package dev.ephemera.core.refresh;

import dev.ephemera.core.Credential;
import dev.ephemera.core.CredentialConfigurationException;
import dev.ephemera.core.CredentialException;
import dev.ephemera.core.CredentialSource;
import dev.ephemera.core.CredentialUnavailableException;
import dev.ephemera.core.CredentialUnavailableException.Reason;
import dev.ephemera.core.SourceState;
import dev.ephemera.core.SourceStatus;
import dev.ephemera.core.Subscription;
import dev.ephemera.core.audit.AuditError;
import dev.ephemera.core.audit.AuditEvent;
import dev.ephemera.core.audit.AuditEventType;
import dev.ephemera.core.audit.AuditHost;
import dev.ephemera.core.audit.AuditListener;
import dev.ephemera.core.audit.AuditOutcome;
import dev.ephemera.core.audit.AuditPublisher;
import dev.ephemera.core.spi.CredentialIssuer;
import dev.ephemera.core.spi.ErrorText;
import dev.ephemera.core.spi.IssueResult;
import dev.ephemera.core.spi.IssuerInfo;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * The refresh engine: a {@link CredentialSource} that keeps one issuer's credential fresh.
 *
 * <p>Build it with {@link dev.ephemera.core.CredentialSources#refreshing}. What it does, in order
 * of a credential's life:
 *
 * <ol>
 *   <li>On build (unless {@linkplain Builder#prefetch(boolean) prefetch} is off) it starts the
 *       first issuance. Concurrent callers share the one attempt in flight.
 *   <li>On receipt it measures the lifetime on the {@link Ticker}: {@code min(expiresAt - issuedAt,
 *       expiresAt - clock.now())}, so neither a server clock ahead of ours nor a wall-clock jump
 *       makes a credential look fresher than it is. It schedules the refresh at {@link
 *       RefreshPolicy#refreshFraction()} of the lifetime ± jitter, and the end of service at {@code
 *       lifetime - expiryMargin}.
 *   <li>A refresh first asks the issuer to {@linkplain CredentialIssuer#renew renew}; a renewal
 *       that returns too short a lifetime ({@link RefreshPolicy#minRenewalFraction()}) is followed
 *       at once by a new issuance. A credential with a new id is a rotation: subscribers are told,
 *       then the superseded credential is revoked (after {@link RefreshPolicy#revokeDelay()}).
 *   <li>A failed attempt keeps the held credential in service, is audited with its classification,
 *       and is retried on the transient or terminal backoff, never past the end of service. With
 *       nothing valid held, callers fail fast with the typed error of the last attempt, or wait at
 *       most {@link RefreshPolicy#acquireTimeout()} for the one in flight.
 *   <li>At the end of service the timer moves the source to {@link SourceState#UNAVAILABLE}; an
 *       expired credential is never returned.
 * </ol>
 *
 * <p>{@link #get()} on a valid credential is one volatile read and a null check: no lock, no
 * allocation, no clock read.
 *
 * @param <C> the credential type
 */
public final class RefreshingCredentialSource<C extends Credential> implements CredentialSource<C> {

  private enum Trigger {
    /** The timer: a planned refresh or a retry. Renews when it can. */
    SCHEDULED,
    /** A caller with nothing valid held, or the prefetch. Renews when it can. Bound by backoff. */
    DEMAND,
    /** {@code get(minRemaining)} found the held credential too short. Bound by backoff. */
    MIN_REMAINING,
    /** {@code refresh()}. Bound only by the upstream's Retry-After. */
    FORCED,
    /** {@code invalidate()}. Bound only by the upstream's Retry-After. */
    INVALIDATED
  }

  /** Immutable; {@code serving} is non-null exactly when it may be returned. */
  private static final class Snapshot<C> {
    final @Nullable C serving;

    /** {@code serving} as {@link #current()} returns it, built once per snapshot, not per call. */
    final Optional<C> current;

    final SourceState state;
    final long staleAtNanos;
    final @Nullable Instant staleAt;

    Snapshot(@Nullable C serving, SourceState state, long staleAtNanos, @Nullable Instant staleAt) {
      this.serving = serving;
      this.current = Optional.ofNullable(serving);
      this.state = state;
      this.staleAtNanos = staleAtNanos;
      this.staleAt = staleAt;
    }

    Snapshot<C> withState(SourceState newState) {
      return new Snapshot<>(newState.isServing() ? serving : null, newState, staleAtNanos, staleAt);
    }
  }

  private record PendingRevocation<C>(C credential, Scheduler.Task task) {}

  /** The longest {@link #close()} waits for its audit events to be delivered. */
  static final Duration CLOSE_AUDIT_WAIT = Duration.ofSeconds(2);

  private final CredentialIssuer<C> issuer;
  private final String name;
  private final RefreshPolicy policy;
  private final Clock clock;
  private final Ticker ticker;
  private final Scheduler scheduler;
  private final AuditPublisher audit;
  private final AuditHost host;
  private final RandomGenerator random;
  private final List<Consumer<? super C>> subscribers = new CopyOnWriteArrayList<>();
  private final AtomicLong unbuiltAuditEvents = new AtomicLong();
  // The policy's durations, saturated once.
  private final long marginNanos;
  private final long initialBackoffNanos;
  private final long maxBackoffNanos;
  private final long terminalInitialBackoffNanos;
  private final long terminalMaxBackoffNanos;
  private final long maxRetryAfterNanos;
  private final Duration acquireTimeout;

  private volatile Snapshot<C> snapshot =
      new Snapshot<>(null, SourceState.STARTING, Long.MIN_VALUE, null);

  private final ReentrantLock lock = new ReentrantLock();
  // Everything below is guarded by lock.
  private @Nullable CompletableFuture<C> inflight;
  private Scheduler.@Nullable Task refreshTask;
  private @Nullable Instant nextRefreshAt;
  private Scheduler.@Nullable Task expiryTask;
  private long generation;
  private @Nullable C lastIssued;
  private long firstLifetimeNanos;
  private long longestIssuedServeNanos;
  private int failureStreak;
  private @Nullable CredentialUnavailableException lastFailure;
  private long nextAttemptAtNanos = Schedule.NONE;
  private long throttledUntilNanos = Schedule.NONE;
  private long issuances;
  private long failures;
  private boolean closed;
  private final List<PendingRevocation<C>> pendingRevocations = new ArrayList<>();

  private RefreshingCredentialSource(Builder<C> b, String name) {
    this.issuer = b.issuer;
    this.name = name;
    this.policy = b.policy;
    this.clock = b.timebase.clock();
    this.ticker = b.timebase.ticker();
    this.scheduler = b.timebase.scheduler();
    this.host = b.host;
    this.random = b.random != null ? b.random : b.timebase.random();
    this.marginNanos = Schedule.nanos(policy.expiryMargin());
    this.initialBackoffNanos = Schedule.nanos(policy.initialBackoff());
    this.maxBackoffNanos = Schedule.nanos(policy.maxBackoff());
    this.terminalInitialBackoffNanos = Schedule.nanos(policy.terminalInitialBackoff());
    this.terminalMaxBackoffNanos = Schedule.nanos(policy.terminalMaxBackoff());
    this.maxRetryAfterNanos = Schedule.nanos(policy.maxRetryAfter());
    this.acquireTimeout = Duration.ofNanos(Schedule.nanos(policy.acquireTimeout()));
    this.audit =
        new AuditPublisher(
            b.listeners, scheduler.auditDelivery(), b.auditQueueCapacity, this::dropReport);
  }

  /** A builder; prefer {@link dev.ephemera.core.CredentialSources#refreshing}. */
  public static <C extends Credential> Builder<C> builder(CredentialIssuer<C> issuer) {
    return new Builder<>(issuer);
  }

  // ---------------------------------------------------------------- the API

  @Override
  public C get() {
    C c = snapshot.serving;
    return c != null ? c : await(acquire(Trigger.DEMAND));
  }

  @Override
  public C get(Duration minRemaining) {
    long need = Schedule.nanos(Objects.requireNonNull(minRemaining, "minRemaining"));
    if (need < 0) {
      throw new IllegalArgumentException("minRemaining must not be negative: " + minRemaining);
    }
    Snapshot<C> s = snapshot;
    C c = s.serving;
    if (c != null && Schedule.subtract(s.staleAtNanos, ticker.read()) >= need) {
      return c;
    }
    throwIfUnsatisfiable(need, minRemaining);
    C fresh = await(acquire(c == null ? Trigger.DEMAND : Trigger.MIN_REMAINING));
    Snapshot<C> after = snapshot;
    if (after.serving == fresh && Schedule.subtract(after.staleAtNanos, ticker.read()) >= need) {
      return fresh;
    }
    throwIfUnsatisfiable(need, minRemaining);
    throw new CredentialUnavailableException(
        Reason.UNAVAILABLE,
        "source '"
            + name
            + "' cannot provide a credential valid for "
            + minRemaining
            + ": the upstream issued one that is served until "
            + after.staleAt);
  }

  /**
   * Once the upstream has shown how long it issues for (the longest it ever issued), a longer
   * request fails at once, without an issuance; a later issuance may show a longer lifetime.
   */
  private void throwIfUnsatisfiable(long need, Duration minRemaining) {
    long most;
    lock.lock();
    try {
      most = longestIssuedServeNanos;
    } finally {
      lock.unlock();
    }
    if (most > 0 && need > most) {
      throw new CredentialUnavailableException(
          Reason.CONFIGURATION,
          "source '"
              + name
              + "' cannot provide a credential valid for "
              + minRemaining
              + ": its upstream issues credentials served for at most "
              + Duration.ofNanos(most)
              + " (lifetime less the expiry margin); ask for less, or configure a longer"
              + " lifetime at the backend");
    }
  }

  @Override
  public CompletableFuture<C> getAsync() {
    C c = snapshot.serving;
    return c != null ? CompletableFuture.completedFuture(c) : withTimeout(acquire(Trigger.DEMAND));
  }

  @Override
  public Optional<C> current() {
    return snapshot.current;
  }

  @Override
  public CompletableFuture<C> refresh() {
    return acquire(Trigger.FORCED);
  }

  @Override
  public CompletableFuture<C> invalidate() {
    lock.lock();
    try {
      if (!closed && snapshot.serving != null) {
        generation++;
        cancel(expiryTask);
        expiryTask = null;
        snapshot = snapshot.withState(SourceState.UNAVAILABLE);
      }
    } finally {
      lock.unlock();
    }
    return acquire(Trigger.INVALIDATED);
  }

  @Override
  public SourceStatus status() {
    lock.lock();
    try {
      Snapshot<C> s = snapshot;
      C c = s.serving;
      return new SourceStatus(
          name,
          s.state,
          c == null ? null : c.id(),
          c == null ? null : s.staleAt,
          nextRefreshAt,
          lastFailure,
          failureStreak,
          issuances,
          failures,
          audit.dropped() + unbuiltAuditEvents.get());
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Subscription subscribe(Consumer<? super C> onRotation) {
    Objects.requireNonNull(onRotation, "onRotation");
    lock.lock();
    try {
      if (closed) {
        return () -> {};
      }
      subscribers.add(onRotation);
    } finally {
      lock.unlock();
    }
    return () -> subscribers.remove(onRotation);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void close() {
    C held;
    List<PendingRevocation<C>> pending;
    CompletableFuture<C> waiting;
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      generation++;
      cancel(refreshTask);
      cancel(expiryTask);
      refreshTask = null;
      expiryTask = null;
      nextRefreshAt = null;
      held = lastIssued;
      lastIssued = null;
      lastFailure = null;
      snapshot = new Snapshot<>(null, SourceState.CLOSED, Long.MIN_VALUE, null);
      pending = new ArrayList<>(pendingRevocations);
      pendingRevocations.clear();
      subscribers.clear();
      // Waiters are released now; the attempt's late answer is revoked when it arrives.
      waiting = inflight;
      inflight = null;
    } finally {
      lock.unlock();
    }
    if (waiting != null) {
      waiting.completeExceptionally(closedException());
    }
    for (PendingRevocation<C> p : pending) {
      cancel(p.task());
      revoke(p.credential());
    }
    if (held != null) {
      revoke(held);
    }
    publish(AuditEventType.CLOSED, AuditOutcome.SUCCESS, e -> {});
    awaitAuditDelivery();
  }

  /**
   * Waits, at most {@link #CLOSE_AUDIT_WAIT} on the injected scheduler, for this source's audit
   * events to reach the listeners, so an application that closes its sources and then its audit
   * file loses nothing. A blocked listener delays {@code close()} by that bound, never more.
   */
  private void awaitAuditDelivery() {
    try {
      CompletableFuture<Void> delivered = audit.flush();
      if (delivered.isDone()) {
        return;
      }
      Scheduler.Task giveUp = scheduler.schedule(() -> delivered.complete(null), CLOSE_AUDIT_WAIT);
      try {
        delivered.get();
      } finally {
        giveUp.cancel();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | RuntimeException e) {
      // close() never fails for want of audit delivery
    }
  }

  @Override
  public String toString() {
    Snapshot<C> s = snapshot;
    C c = s.serving;
    return "RefreshingCredentialSource[name="
        + name
        + ", state="
        + s.state
        + ", credential="
        + (c == null ? "-" : c.id())
        + "]";
  }

  // ---------------------------------------------------------------- acquisition

  /**
   * Joins the attempt in flight, or starts one, unless the backoff binds this trigger: then the
   * last failure answers at once, so the upstream sees the backoff's calls, not the callers'.
   */
  private CompletableFuture<C> acquire(Trigger trigger) {
    CompletableFuture<C> f;
    lock.lock();
    try {
      if (closed) {
        return CompletableFuture.failedFuture(closedException());
      }
      C installed = snapshot.serving;
      if (installed != null && trigger == Trigger.DEMAND) {
        return CompletableFuture.completedFuture(installed); // an attempt finished meanwhile
      }
      if (inflight != null) {
        return inflight;
      }
      CredentialUnavailableException last = lastFailure;
      if (last != null) {
        long now = ticker.read();
        boolean backoffBinds = trigger == Trigger.DEMAND || trigger == Trigger.MIN_REMAINING;
        long until = backoffBinds ? nextAttemptAtNanos : throttledUntilNanos;
        if (now < until) {
          return CompletableFuture.failedFuture(last);
        }
      }
      f = begin();
    } finally {
      lock.unlock();
    }
    dispatch(f, trigger);
    return f;
  }

  /** Starts an attempt regardless of backoff (the timer's own, or the prefetch). */
  private void startAttempt(Trigger trigger) {
    CompletableFuture<C> f;
    lock.lock();
    try {
      if (closed || inflight != null) {
        return;
      }
      f = begin();
    } finally {
      lock.unlock();
    }
    dispatch(f, trigger);
  }

  /** Under the lock: the new attempt's future, with the planned refresh it replaces cancelled. */
  private CompletableFuture<C> begin() {
    CompletableFuture<C> f = new CompletableFuture<>();
    inflight = f;
    cancel(refreshTask);
    refreshTask = null;
    nextRefreshAt = null;
    return f;
  }

  private void dispatch(CompletableFuture<C> f, Trigger trigger) {
    try {
      scheduler.workers().execute(() -> runAttempt(f, trigger));
    } catch (Throwable e) {
      fail(
          f,
          new CredentialUnavailableException(
              Reason.UNAVAILABLE,
              "the refresh executor rejected the attempt: " + ErrorText.describe(e),
              ErrorText.scrub(e)),
          0,
          1);
    }
  }

  private C await(CompletableFuture<C> f) {
    try {
      return withTimeout(f).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CredentialUnavailableException(
          Reason.TIMEOUT,
          "interrupted while waiting for a credential from source '" + name + "'",
          e);
    } catch (ExecutionException e) {
      CredentialUnavailableException cause = unwrap(e.getCause());
      // A fresh exception for this caller's stack, the shared one as its cause.
      throw new CredentialUnavailableException(
          cause.reason(), messageOf(cause), cause.retryAfter().orElse(null), cause);
    }
  }

  private CompletableFuture<C> withTimeout(CompletableFuture<C> f) {
    if (f.isDone()) {
      return f;
    }
    CompletableFuture<C> waiter = new CompletableFuture<>();
    Scheduler.Task task;
    try {
      task =
          scheduler.schedule(
              () ->
                  waiter.completeExceptionally(
                      new CredentialUnavailableException(
                          Reason.TIMEOUT,
                          "no credential from source '" + name + "' within " + acquireTimeout)),
              acquireTimeout);
    } catch (Throwable e) {
      return f; // no timer to be had: the attempt itself always completes
    }
    f.whenComplete(
        (c, e) -> {
          task.cancel();
          if (e != null) {
            waiter.completeExceptionally(unwrap(e));
          } else {
            waiter.complete(c);
          }
        });
    return waiter;
  }

  // ---------------------------------------------------------------- one attempt

  /**
   * One attempt. Whatever is thrown on any step, by the issuer, the clock, the random source or the
   * scheduler, ends in {@link #fail}: the attempt is never left in flight.
   */
  private void runAttempt(CompletableFuture<C> f, Trigger trigger) {
    int attempt = 1;
    long start = 0;
    try {
      C renewable;
      lock.lock();
      try {
        attempt = failureStreak == Integer.MAX_VALUE ? failureStreak : failureStreak + 1;
        renewable =
            trigger == Trigger.SCHEDULED || trigger == Trigger.DEMAND ? snapshot.serving : null;
      } finally {
        lock.unlock();
      }
      start = ticker.read();
      if (renewable != null) {
        Optional<IssueResult<C>> renewed = tryRenew(renewable, attempt);
        if (renewed.isPresent()) {
          IssueResult<C> r = renewed.get();
          long end = ticker.read();
          if (renewalSufficient(r)) {
            install(f, r, start, end, attempt, false);
            return;
          }
          // Capped near max TTL: keep the short extension while a new credential is issued.
          install(null, r, start, end, attempt, false);
          start = ticker.read();
        }
      }
      IssueResult<C> fresh = Objects.requireNonNull(issuer.issueResult(), "issuer returned null");
      install(f, fresh, start, ticker.read(), attempt, true);
    } catch (Throwable e) {
      fail(f, classify(e), elapsedSince(start), attempt);
    }
  }

  private long elapsedSince(long start) {
    try {
      return Math.max(0, Schedule.subtract(ticker.read(), start));
    } catch (Throwable e) {
      return 0;
    }
  }

  private Optional<IssueResult<C>> tryRenew(C held, int attempt) {
    long start = ticker.read();
    try {
      return Objects.requireNonNull(issuer.renewResult(held), "renewResult returned null");
    } catch (CredentialUnavailableException e) {
      if (!e.isTerminal()) {
        throw e;
      }
      // Refused for good (revoked elsewhere, past its max TTL): audit it, then issue anew.
      publish(
          AuditEventType.RENEWED,
          AuditOutcome.FAILURE,
          ev ->
              ev.credential(held)
                  .latency(Duration.ofNanos(elapsedSince(start)))
                  .attempt(attempt)
                  .error(auditError(e)));
      return Optional.empty();
    }
  }

  private boolean renewalSufficient(IssueResult<C> renewed) {
    long lifetime =
        Schedule.lifetimeNanos(
            renewed.credential(), clock.instant(), renewed.upstreamTime().orElse(null));
    lock.lock();
    try {
      return firstLifetimeNanos == 0
          || lifetime >= (long) (firstLifetimeNanos * policy.minRenewalFraction());
    } finally {
      lock.unlock();
    }
  }

  /**
   * Makes the result's credential the served one. With {@code f} null this is an intermediate
   * install (a capped renewal) and the attempt goes on. Nothing after the swap can throw: the state
   * is either the old one (and the caller fails the attempt) or the new one, complete.
   */
  private void install(
      @Nullable CompletableFuture<C> f,
      IssueResult<C> result,
      long start,
      long receivedAt,
      int attempt,
      boolean issued) {
    C fresh = result.credential();
    Instant now = clock.instant();
    Instant upstreamTime = result.upstreamTime().orElse(null);
    long lifetime = Schedule.lifetimeNanos(fresh, now, upstreamTime);
    long serve = Schedule.serveNanos(lifetime, marginNanos, result.staleIn().orElse(null));
    if (lifetime <= 0 || serve <= 0) {
      throw new CredentialUnavailableException(
          Reason.MALFORMED_RESPONSE,
          "the upstream returned credential "
              + fresh.id()
              + " that had already expired (expiresAt "
              + fresh.expiresAt()
              + (upstreamTime != null ? ", upstream time " + upstreamTime : "")
              + ", now "
              + now
              + ")");
    }
    C previous;
    boolean rotated;
    boolean closedMeanwhile;
    lock.lock();
    try {
      closedMeanwhile = closed;
      previous = lastIssued;
      rotated = previous == null || !previous.id().equals(fresh.id());
      if (!closedMeanwhile) {
        double draw = policy.jitterFraction() > 0 ? random.nextDouble(-1, 1) : 0;
        long refreshOffset =
            Schedule.refreshOffsetNanos(
                lifetime,
                serve,
                policy.refreshFraction(),
                policy.jitterFraction(),
                draw,
                result.refreshIn().orElse(null));
        long staleAt = Schedule.add(receivedAt, serve);
        long nowTick = ticker.read();
        long gen = generation + 1;
        Duration expireIn = Duration.ofNanos(Math.max(0, Schedule.subtract(staleAt, nowTick)));
        Duration refreshIn =
            Duration.ofNanos(
                Math.max(0, Schedule.subtract(Schedule.add(receivedAt, refreshOffset), nowTick)));
        Instant refreshAtWall = now.plus(refreshIn);
        Instant staleAtWall = now.plusNanos(serve);
        // The new timers first: if the scheduler fails, the old state stands whole.
        Scheduler.Task newExpiry = scheduler.schedule(() -> expire(gen), expireIn);
        Scheduler.Task newRefresh;
        try {
          newRefresh = scheduler.schedule(() -> scheduledRefresh(gen), refreshIn);
        } catch (Throwable e) {
          newExpiry.cancel();
          throw e;
        }
        generation = gen;
        cancel(expiryTask);
        cancel(refreshTask);
        expiryTask = newExpiry;
        refreshTask = newRefresh;
        nextRefreshAt = refreshAtWall;
        snapshot = new Snapshot<>(fresh, SourceState.VALID, staleAt, staleAtWall);
        if (rotated) {
          firstLifetimeNanos = lifetime;
        }
        if (issued) {
          // The longest the upstream has ever issued for: a metadata server handing back a cached
          // token near its end has not shown that it cannot issue longer.
          longestIssuedServeNanos = Math.max(longestIssuedServeNanos, serve);
        }
        lastIssued = fresh;
        failureStreak = 0;
        lastFailure = null;
        nextAttemptAtNanos = Schedule.NONE;
        throttledUntilNanos = Schedule.NONE;
        issuances++;
        if (f != null && inflight == f) {
          inflight = null;
        }
      }
    } finally {
      lock.unlock();
    }
    if (closedMeanwhile) {
      revoke(fresh);
      if (f != null) {
        f.completeExceptionally(closedException());
      }
      return;
    }
    long latency = Math.max(0, Schedule.subtract(receivedAt, start));
    publish(
        rotated ? AuditEventType.ISSUED : AuditEventType.RENEWED,
        AuditOutcome.SUCCESS,
        e -> {
          e.credential(fresh).latency(Duration.ofNanos(latency)).attempt(attempt);
          result.refreshIn().ifPresent(h -> e.attribute("refreshHintSeconds", seconds(h)));
          result.staleIn().ifPresent(h -> e.attribute("staleHintSeconds", seconds(h)));
        });
    reportSkew(fresh, now, upstreamTime);
    if (rotated && previous != null) {
      notifySubscribers(fresh);
      retire(previous);
    }
    if (f != null) {
      f.complete(fresh);
    }
  }

  private static String seconds(Duration d) {
    return Long.toString(d.getSeconds());
  }

  /**
   * Records a failed attempt and plans the retry. Never throws: whatever happens here, the attempt
   * leaves flight, its waiters are completed and the failure is audited.
   */
  private void fail(
      CompletableFuture<C> f, CredentialUnavailableException error, long took, int attempt) {
    if (f.isDone()) {
      // Already answered: closed meanwhile (its waiters were told CLOSED), or an executor that ran
      // the attempt and then threw. Nothing of the source's state belongs to this attempt any more.
      return;
    }
    Duration retryIn = null;
    try {
      lock.lock();
      try {
        if (inflight == f) {
          inflight = null;
        }
        failures++;
        if (failureStreak < Integer.MAX_VALUE) {
          failureStreak++;
        }
        lastFailure = error;
        nextAttemptAtNanos = Schedule.NONE;
        throttledUntilNanos = Schedule.NONE;
        if (!closed) {
          Snapshot<C> s = snapshot;
          snapshot =
              s.withState(s.serving != null ? SourceState.DEGRADED : SourceState.UNAVAILABLE);
          long now = ticker.read();
          long hint = error.retryAfter().map(Schedule::nanos).orElse(-1L);
          long left = s.serving != null ? Math.max(0, Schedule.subtract(s.staleAtNanos, now)) : -1;
          long delay =
              Schedule.retryDelayNanos(
                  backoffNanos(error, failureStreak),
                  hint,
                  maxRetryAfterNanos,
                  left,
                  initialBackoffNanos);
          Duration in = Duration.ofNanos(delay);
          cancel(refreshTask);
          refreshTask = null;
          nextRefreshAt = null;
          nextAttemptAtNanos = Schedule.add(now, delay);
          if (hint >= 0) {
            throttledUntilNanos =
                Schedule.add(now, Math.min(hint, Math.min(delay, maxRetryAfterNanos)));
          }
          long gen = generation;
          refreshTask = scheduler.schedule(() -> scheduledRefresh(gen), in);
          retryIn = in;
          nextRefreshAt = clock.instant().plus(in);
        }
      } finally {
        lock.unlock();
      }
    } catch (Throwable e) {
      // A broken clock or scheduler: no retry could be planned, so the next caller may try at once.
      lock.lock();
      try {
        nextAttemptAtNanos = Schedule.NONE;
        throttledUntilNanos = Schedule.NONE;
      } finally {
        lock.unlock();
      }
    } finally {
      Duration planned = retryIn;
      publish(
          AuditEventType.REFRESH_FAILED,
          AuditOutcome.FAILURE,
          e -> {
            e.latency(Duration.ofNanos(Math.max(0, took)))
                .attempt(attempt)
                .error(auditError(error));
            if (planned != null) {
              e.attribute("retryInMs", Long.toString(planned.toMillis()));
            }
          });
      f.completeExceptionally(error);
    }
  }

  private long backoffNanos(CredentialUnavailableException error, int streak) {
    long cap =
        error.isTerminal()
            ? Schedule.backoffCapNanos(terminalInitialBackoffNanos, terminalMaxBackoffNanos, streak)
            : Schedule.backoffCapNanos(initialBackoffNanos, maxBackoffNanos, streak);
    return Schedule.jittered(cap, random.nextDouble());
  }

  // ---------------------------------------------------------------- timers

  private void scheduledRefresh(long gen) {
    lock.lock();
    try {
      if (closed || gen != generation) {
        return;
      }
      refreshTask = null;
    } finally {
      lock.unlock();
    }
    startAttempt(Trigger.SCHEDULED);
  }

  private void expire(long gen) {
    C expired;
    lock.lock();
    try {
      if (closed || gen != generation || snapshot.serving == null) {
        return;
      }
      expired = snapshot.serving;
      expiryTask = null;
      snapshot = snapshot.withState(SourceState.UNAVAILABLE);
    } finally {
      lock.unlock();
    }
    publish(AuditEventType.EXPIRED, AuditOutcome.FAILURE, e -> e.credential(expired));
  }

  // ---------------------------------------------------------------- after a swap

  private void notifySubscribers(C fresh) {
    for (Consumer<? super C> s : subscribers) {
      try {
        s.accept(fresh);
      } catch (Throwable e) {
        publish(
            AuditEventType.ANOMALY,
            AuditOutcome.FAILURE,
            ev ->
                ev.credential(fresh)
                    .attribute("anomaly", "subscriber-failed")
                    .error(
                        new AuditError(
                            e.getClass().getSimpleName(), "", false, ErrorText.describe(e))));
      }
    }
  }

  private void retire(C old) {
    Duration delay = policy.revokeDelay();
    if (delay.isZero()) {
      revoke(old);
      return;
    }
    boolean now = false;
    lock.lock();
    try {
      if (closed) {
        return; // close() revoked what it found
      }
      PendingRevocation<C>[] self = newPendingHolder();
      Scheduler.Task task =
          scheduler.schedule(
              () -> {
                boolean due;
                lock.lock();
                try {
                  due = self[0] != null && pendingRevocations.remove(self[0]);
                } finally {
                  lock.unlock();
                }
                if (due) {
                  runOnWorkers(() -> revoke(old));
                }
              },
              Duration.ofNanos(Schedule.nanos(delay)));
      self[0] = new PendingRevocation<>(old, task);
      pendingRevocations.add(self[0]);
    } catch (Throwable e) {
      now = true; // no timer to be had: revoke at once rather than never
    } finally {
      lock.unlock();
    }
    if (now) {
      revoke(old);
    }
  }

  @SuppressWarnings("unchecked")
  private static <C> PendingRevocation<C>[] newPendingHolder() {
    return (PendingRevocation<C>[]) new PendingRevocation<?>[1];
  }

  private void runOnWorkers(Runnable r) {
    try {
      scheduler.workers().execute(r);
    } catch (Throwable e) {
      r.run();
    }
  }

  /** Revokes at the upstream, audited; never throws. */
  private void revoke(C credential) {
    long start = 0;
    try {
      start = ticker.read();
      if (issuer.revoke(credential)) {
        long took = elapsedSince(start);
        publish(
            AuditEventType.REVOKED,
            AuditOutcome.SUCCESS,
            e -> e.credential(credential).latency(Duration.ofNanos(took)));
      }
    } catch (Throwable t) {
      long took = elapsedSince(start);
      publish(
          AuditEventType.REVOKED,
          AuditOutcome.FAILURE,
          e ->
              e.credential(credential)
                  .latency(Duration.ofNanos(took))
                  .error(auditError(classify(t))));
    }
  }

  private void reportSkew(C fresh, Instant now, @Nullable Instant upstreamTime) {
    if (upstreamTime != null) {
      // Positive: the local clock is ahead of the upstream's.
      Duration skew = Duration.between(upstreamTime, now);
      if (skew.abs().compareTo(policy.expiryMargin()) > 0) {
        publish(
            AuditEventType.ANOMALY,
            AuditOutcome.SUCCESS,
            e ->
                e.credential(fresh)
                    .attribute("anomaly", "clock-skew")
                    .attribute("skewSeconds", Long.toString(skew.getSeconds()))
                    .attribute("upstreamTime", upstreamTime.toString()));
      }
      return;
    }
    Duration stated = Duration.between(fresh.issuedAt(), fresh.expiresAt());
    Duration local = Duration.between(now, fresh.expiresAt());
    Duration skew = stated.minus(local).abs();
    if (skew.compareTo(policy.expiryMargin()) > 0 && local.compareTo(stated) < 0) {
      // Only when the credential is worth less locally than it says: a cached token handed back
      // with its remaining life (a metadata server) is normal and shows as local < stated only
      // when issuedAt is the original issue time, which is what this reports.
      publish(
          AuditEventType.ANOMALY,
          AuditOutcome.SUCCESS,
          e ->
              e.credential(fresh)
                  .attribute("anomaly", "lifetime-shorter-than-stated")
                  .attribute("skewSeconds", Long.toString(skew.toSeconds())));
    }
  }

  // ---------------------------------------------------------------- audit helpers

  private AuditEvent.Builder event(AuditEventType type, AuditOutcome outcome) {
    return AuditEvent.builder(type, outcome)
        .time(clock.instant())
        .source(name)
        .issuer(describe())
        .host(host);
  }

  /**
   * Builds and queues one event. Never throws: an event that cannot be built (a failing clock) is
   * counted in {@link SourceStatus#auditEventsDropped()}.
   */
  private void publish(
      AuditEventType type, AuditOutcome outcome, Consumer<AuditEvent.Builder> details) {
    if (!audit.active()) {
      return;
    }
    try {
      AuditEvent.Builder e = event(type, outcome);
      details.accept(e);
      audit.publish(e.build());
    } catch (Throwable t) {
      unbuiltAuditEvents.incrementAndGet();
    }
  }

  private AuditEvent dropReport(long dropped) {
    AuditEvent.Builder e;
    try {
      e = event(AuditEventType.ANOMALY, AuditOutcome.FAILURE);
    } catch (Throwable t) {
      e =
          AuditEvent.builder(AuditEventType.ANOMALY, AuditOutcome.FAILURE)
              .time(Instant.EPOCH)
              .source(name)
              .host(host);
    }
    return e.attribute("anomaly", "audit-events-dropped")
        .attribute("dropped", Long.toString(dropped))
        .build();
  }

  private IssuerInfo describe() {
    try {
      return issuer.describe();
    } catch (Throwable e) {
      return IssuerInfo.of("unknown", "", "");
    }
  }

  private static AuditError auditError(CredentialUnavailableException e) {
    Throwable origin = e.getCause() instanceof CredentialException c ? c : e;
    return new AuditError(
        origin.getClass().getSimpleName(),
        e.reason().name(),
        e.isTerminal(),
        ErrorText.sanitize(messageOf(e)));
  }

  private static CredentialUnavailableException classify(Throwable t) {
    if (t instanceof CredentialUnavailableException c) {
      return c;
    }
    if (t instanceof CredentialConfigurationException c) {
      return new CredentialUnavailableException(Reason.CONFIGURATION, messageOf(c), c);
    }
    if (t instanceof CredentialException c) {
      return new CredentialUnavailableException(Reason.UNAVAILABLE, messageOf(c), c);
    }
    return new CredentialUnavailableException(
        Reason.UNAVAILABLE, "the issuer failed: " + ErrorText.describe(t), ErrorText.scrub(t));
  }

  private static String messageOf(Throwable t) {
    String m = t.getMessage();
    return m == null ? t.getClass().getSimpleName() : m;
  }

  private static CredentialUnavailableException unwrap(@Nullable Throwable t) {
    Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    return cause == null
        ? new CredentialUnavailableException(Reason.UNAVAILABLE, "unknown failure")
        : classify(cause);
  }

  private CredentialUnavailableException closedException() {
    return new CredentialUnavailableException(Reason.CLOSED, "source '" + name + "' is closed");
  }

  private static void cancel(Scheduler.@Nullable Task task) {
    if (task != null) {
      try {
        task.cancel();
      } catch (Throwable e) {
        // a task that cannot be cancelled checks the generation when it runs
      }
    }
  }

  // ---------------------------------------------------------------- builder

  /**
   * Builds a {@link RefreshingCredentialSource}. Only the issuer is required.
   *
   * @param <C> the credential type
   */
  public static final class Builder<C extends Credential> {
    private final CredentialIssuer<C> issuer;
    private @Nullable String name;
    private RefreshPolicy policy = RefreshPolicy.defaults();
    private Timebase timebase = Timebase.system();
    private final List<AuditListener> listeners = new ArrayList<>();
    private AuditHost host = AuditHost.local();
    private @Nullable RandomGenerator random;
    private int auditQueueCapacity = 10_000;
    private boolean prefetch = true;

    private Builder(CredentialIssuer<C> issuer) {
      this.issuer = Objects.requireNonNull(issuer, "issuer");
    }

    /** The name in status and audit events; defaults to the issuer's provider. */
    public Builder<C> name(String name) {
      Objects.requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new IllegalArgumentException("name must not be blank");
      }
      this.name = name;
      return this;
    }

    /** When to refresh and retry; defaults to {@link RefreshPolicy#defaults()}. */
    public Builder<C> policy(RefreshPolicy policy) {
      this.policy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** Clock, ticker and scheduler; defaults to {@link Timebase#system()}. */
    public Builder<C> timebase(Timebase timebase) {
      this.timebase = Objects.requireNonNull(timebase, "timebase");
      return this;
    }

    /** Adds an audit listener. */
    public Builder<C> auditListener(AuditListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** Adds audit listeners. */
    public Builder<C> auditListeners(List<? extends AuditListener> more) {
      more.forEach(this::auditListener);
      return this;
    }

    /** The host stamped on audit events; defaults to {@link AuditHost#local()}. */
    public Builder<C> auditHost(AuditHost host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /** The most audit events waiting for delivery before new ones are dropped; default 10,000. */
    public Builder<C> auditQueueCapacity(int capacity) {
      if (capacity < 1) {
        throw new IllegalArgumentException("auditQueueCapacity must be positive: " + capacity);
      }
      this.auditQueueCapacity = capacity;
      return this;
    }

    /**
     * The randomness behind jitter (for reproducible tests); defaults to {@link Timebase#random()}.
     */
    public Builder<C> random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /** Whether {@link #build()} starts the first issuance at once; default true. */
    public Builder<C> prefetch(boolean prefetch) {
      this.prefetch = prefetch;
      return this;
    }

    /** Builds the source and, with prefetch on, starts the first issuance in the background. */
    public RefreshingCredentialSource<C> build() {
      String n = name;
      if (n == null) {
        n = issuer.describe().provider();
      }
      RefreshingCredentialSource<C> source = new RefreshingCredentialSource<>(this, n);
      if (prefetch) {
        source.startAttempt(Trigger.DEMAND);
      }
      return source;
    }
  }
}
