package dev.ephemera.core.refresh;

import dev.ephemera.core.Credential;
import dev.ephemera.core.CredentialSource;
import dev.ephemera.core.CredentialUnavailableException;
import dev.ephemera.core.SourceState;
import dev.ephemera.core.SourceStatus;
import dev.ephemera.core.Subscription;
import dev.ephemera.core.audit.AuditHost;
import dev.ephemera.core.audit.AuditListener;
import dev.ephemera.core.spi.CredentialIssuer;
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

  private final CredentialIssuer<C> issuer;
  private final String name;
  private final RefreshPolicy policy;
  private final Clock clock;
  private final Ticker ticker;
  private final Scheduler scheduler;
  private final SourceAudit audit;
  private final Revocations<C> revocations;
  private final Timing timing;
  private final BoundedWait waits;
  private final Subscribers<C> subscribers;

  private volatile Snapshot<C> snapshot = Snapshot.empty(SourceState.STARTING);

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
  private long rotations;
  private @Nullable C killed; // revoked by the kill switch: never retired again
  private boolean closed;
  private final Instant builtAt;
  private final CredentialInventory.Registration registration;

  private RefreshingCredentialSource(Builder<C> b, String name) {
    this.issuer = b.issuer;
    this.name = name;
    this.policy = b.policy;
    this.clock = b.timebase.clock();
    this.ticker = b.timebase.ticker();
    this.scheduler = b.timebase.scheduler();
    this.timing = new Timing(policy, b.random != null ? b.random : b.timebase.random());
    this.waits = new BoundedWait(name, scheduler, policy.acquireTimeout());
    this.audit =
        new SourceAudit(name, issuer, clock, b.host, scheduler, b.listeners, b.auditQueueCapacity);
    this.subscribers = new Subscribers<>(audit);
    this.revocations =
        new Revocations<>(issuer, policy.revokeDelay(), scheduler, ticker, audit, lock);
    this.builtAt = builtAt(clock);
    this.registration = CredentialInventory.process().register(this);
  }

  /**
   * {@return a builder; prefer {@link dev.ephemera.core.CredentialSources#refreshing}}
   *
   * @param <C> the credential type
   * @param issuer the issuer
   */
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
    throw Failures.tooShort(name, minRemaining, after.staleAt);
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
      throw Failures.beyondUpstream(name, minRemaining, most);
    }
  }

  @Override
  public CompletableFuture<C> getAsync() {
    C c = snapshot.serving;
    return c != null
        ? CompletableFuture.completedFuture(c)
        : waits.bounded(acquire(Trigger.DEMAND));
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
    stopServing(false);
    return acquire(Trigger.INVALIDATED);
  }

  /**
   * {@return the credential served until now, no longer served; null if none was} With {@code
   * kill}, it is also marked revoked by the kill switch, so it is never retired again.
   */
  private @Nullable C stopServing(boolean kill) {
    lock.lock();
    try {
      C held = closed ? null : snapshot.serving;
      if (held != null) {
        if (kill) {
          killed = held;
        }
        generation++;
        cancel(expiryTask);
        expiryTask = null;
        snapshot = snapshot.withState(SourceState.UNAVAILABLE);
      }
      return held;
    } finally {
      lock.unlock();
    }
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
          audit.dropped());
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Subscription subscribe(Consumer<? super C> onRotation) {
    Objects.requireNonNull(onRotation, "onRotation");
    lock.lock();
    try {
      return closed ? () -> {} : subscribers.add(onRotation);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void close() {
    C held;
    List<Revocations.Pending<C>> pending;
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
      held = lastIssued == killed ? null : lastIssued; // the kill switch revoked it already
      lastIssued = null;
      lastFailure = null;
      snapshot = Snapshot.empty(SourceState.CLOSED);
      pending = revocations.closeLocked();
      subscribers.clear();
      // Waiters are released now; the attempt's late answer is revoked when it arrives.
      waiting = inflight;
      inflight = null;
    } finally {
      lock.unlock();
    }
    if (waiting != null) {
      waiting.completeExceptionally(Failures.closed(name));
    }
    revocations.revokeAtOnce(pending);
    if (held != null) {
      revocations.revoke(held);
    }
    registration.remove();
    audit.closed();
    audit.awaitDelivery();
  }

  // ------------------------------------------------------- the inventory's view

  /** {@return this source as the process-wide inventory lists it, now} */
  InventoryEntry inventoryEntry() {
    IssuerInfo info;
    try {
      info = issuer.describe();
    } catch (RuntimeException e) {
      info = IssuerInfo.of("unknown", "", "");
    }
    Instant now = clock.instant();
    lock.lock();
    try {
      Snapshot<C> s = snapshot;
      C c = s.serving;
      return new InventoryEntry(
          name,
          info.provider(),
          info.principal(),
          info.target(),
          info.scope(),
          s.state,
          c == null ? null : c.id(),
          c == null ? null : c.issuedAt(),
          c == null ? null : c.expiresAt(),
          now,
          builtAt,
          rotations,
          issuances,
          failures,
          lastFailure == null ? null : lastFailure.reason().name());
    } finally {
      lock.unlock();
    }
  }

  /**
   * The kill switch: stops serving the held credential at once, revokes it at the upstream (audited
   * as {@code REVOKED}), and starts a new issuance.
   *
   * @return whether a credential was held, and so revoked
   */
  boolean revokeHeld() {
    C held = stopServing(true);
    if (held == null) {
      return false;
    }
    revocations.revoke(held);
    acquire(Trigger.INVALIDATED);
    return true;
  }

  /** {@return when the source is built, for the inventory; a clock that fails does not stop it} */
  private static Instant builtAt(Clock clock) {
    try {
      return clock.instant();
    } catch (Throwable e) {
      return Instant.EPOCH;
    }
  }

  private @Nullable C killedCredential() {
    lock.lock();
    try {
      return killed;
    } finally {
      lock.unlock();
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
        return CompletableFuture.failedFuture(Failures.closed(name));
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
      fail(f, Failures.rejectedByExecutor(e), 0, 1);
    }
  }

  /** The slow path of {@link #get()}, a call of its own so that {@code get()} stays tiny. */
  private C await(CompletableFuture<C> f) {
    return waits.await(f);
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
      fail(f, Failures.classify(e), elapsedSince(ticker, start), attempt);
    }
  }

  /** The ticker's time since {@code start}, never negative; zero if the ticker fails. */
  static long elapsedSince(Ticker ticker, long start) {
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
      audit.renewalRefused(held, e, attempt, ticker, start);
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
    long serve = timing.serveNanos(lifetime, result.staleIn().orElse(null));
    if (lifetime <= 0 || serve <= 0) {
      throw Failures.alreadyExpired(fresh, upstreamTime, now);
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
        long refreshOffset =
            timing.refreshOffsetNanos(lifetime, serve, result.refreshIn().orElse(null));
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
          if (previous != null) {
            rotations++;
          }
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
      revocations.revoke(fresh);
      if (f != null) {
        f.completeExceptionally(Failures.closed(name));
      }
      return;
    }
    audit.received(rotated, result, Math.max(0, Schedule.subtract(receivedAt, start)), attempt);
    audit.reportSkew(fresh, now, upstreamTime, policy.expiryMargin());
    if (rotated && previous != null) {
      subscribers.tell(fresh);
      if (previous != killedCredential()) {
        revocations.retire(previous);
      }
    }
    if (f != null) {
      f.complete(fresh);
    }
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
          long delay = timing.retryDelayNanos(error, failureStreak, hint, left);
          Duration in = Duration.ofNanos(delay);
          cancel(refreshTask);
          refreshTask = null;
          nextRefreshAt = null;
          nextAttemptAtNanos = Schedule.add(now, delay);
          if (hint >= 0) {
            throttledUntilNanos = Schedule.add(now, timing.throttleNanos(hint, delay));
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
      audit.refreshFailed(error, took, attempt, retryIn);
      f.completeExceptionally(error);
    }
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
    CredentialUnavailableException why;
    lock.lock();
    try {
      if (closed || gen != generation || snapshot.serving == null) {
        return;
      }
      expired = snapshot.serving;
      why = lastFailure;
      expiryTask = null;
      snapshot = snapshot.withState(SourceState.UNAVAILABLE);
    } finally {
      lock.unlock();
    }
    audit.expired(expired, why);
  }

  /** The engine's one guarded cancel: a task that cannot be cancelled is left to run. */
  static void cancel(Scheduler.@Nullable Task task) {
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

    /**
     * The name in status and audit events; defaults to the issuer's provider.
     *
     * @param name the name in status and audit events; defaults to the issuer's provider
     * @return this builder
     */
    public Builder<C> name(String name) {
      Objects.requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new IllegalArgumentException("name must not be blank");
      }
      this.name = name;
      return this;
    }

    /**
     * When to refresh and retry; defaults to {@link RefreshPolicy#defaults()}.
     *
     * @param policy when to refresh and retry; defaults to {@link RefreshPolicy#defaults()}
     * @return this builder
     */
    public Builder<C> policy(RefreshPolicy policy) {
      this.policy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Clock, ticker and scheduler; defaults to {@link Timebase#system()}.
     *
     * @param timebase clock, ticker and scheduler; defaults to {@link Timebase#system()}
     * @return this builder
     */
    public Builder<C> timebase(Timebase timebase) {
      this.timebase = Objects.requireNonNull(timebase, "timebase");
      return this;
    }

    /**
     * Adds an audit listener.
     *
     * @param listener the audit listener
     * @return this builder
     */
    public Builder<C> auditListener(AuditListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Adds audit listeners.
     *
     * @param more the more
     * @return this builder
     */
    public Builder<C> auditListeners(List<? extends AuditListener> more) {
      more.forEach(this::auditListener);
      return this;
    }

    /**
     * The host stamped on audit events; defaults to {@link AuditHost#local()}.
     *
     * @param host the host stamped on audit events; defaults to {@link AuditHost#local()}
     * @return this builder
     */
    public Builder<C> auditHost(AuditHost host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /**
     * The most audit events waiting for delivery before new ones are dropped; default 10,000.
     *
     * @param capacity the most audit events waiting for delivery before new ones are dropped;
     *     default 10,000
     * @return this builder
     */
    public Builder<C> auditQueueCapacity(int capacity) {
      if (capacity < 1) {
        throw new IllegalArgumentException("auditQueueCapacity must be positive: " + capacity);
      }
      this.auditQueueCapacity = capacity;
      return this;
    }

    /**
     * The randomness behind jitter (for reproducible tests); defaults to {@link Timebase#random()}.
     *
     * @param random the randomness behind jitter (for reproducible tests); defaults to {@link
     *     Timebase#random()}
     * @return this builder
     */
    public Builder<C> random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /**
     * Whether {@link #build()} starts the first issuance at once; default true.
     *
     * @param prefetch whether {@link #build()} starts the first issuance at once; default true
     * @return this builder
     */
    public Builder<C> prefetch(boolean prefetch) {
      this.prefetch = prefetch;
      return this;
    }

    /**
     * Builds the source and, with prefetch on, starts the first issuance in the background.
     *
     * @return the new {@code RefreshingCredentialSource<C>}
     */
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
