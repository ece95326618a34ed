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
import dev.ephemera.core.spi.IssuerInfo;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
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
    SCHEDULED,
    DEMAND,
    FORCED,
    INVALIDATED
  }

  /** Immutable; {@code serving} is non-null exactly when it may be returned. */
  private static final class Snapshot<C> {
    final @Nullable C serving;
    final SourceState state;
    final long staleAtNanos;
    final @Nullable Instant staleAt;

    Snapshot(@Nullable C serving, SourceState state, long staleAtNanos, @Nullable Instant staleAt) {
      this.serving = serving;
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
  private int failureStreak;
  private @Nullable CredentialUnavailableException lastFailure;
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
    this.random = b.random != null ? b.random : new SplittableRandom();
    this.audit =
        new AuditPublisher(
            b.listeners,
            scheduler.auditDelivery(),
            b.auditQueueCapacity,
            dropped ->
                event(AuditEventType.ANOMALY, AuditOutcome.FAILURE)
                    .attribute("anomaly", "audit-events-dropped")
                    .attribute("dropped", Long.toString(dropped))
                    .build());
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
    long need = Objects.requireNonNull(minRemaining, "minRemaining").toNanos();
    if (need < 0) {
      throw new IllegalArgumentException("minRemaining must not be negative: " + minRemaining);
    }
    Snapshot<C> s = snapshot;
    C c = s.serving;
    if (c != null && s.staleAtNanos - ticker.read() >= need) {
      return c;
    }
    C fresh = await(startAttempt(c == null ? Trigger.DEMAND : Trigger.FORCED));
    Snapshot<C> after = snapshot;
    if (after.serving == fresh && after.staleAtNanos - ticker.read() >= need) {
      return fresh;
    }
    throw new CredentialUnavailableException(
        Reason.UNAVAILABLE,
        "source '"
            + name
            + "' cannot provide a credential valid for "
            + minRemaining
            + ": the upstream issued one that is served until "
            + after.staleAt);
  }

  @Override
  public CompletableFuture<C> getAsync() {
    C c = snapshot.serving;
    return c != null ? CompletableFuture.completedFuture(c) : withTimeout(acquire(Trigger.DEMAND));
  }

  @Override
  public Optional<C> current() {
    return Optional.ofNullable(snapshot.serving);
  }

  @Override
  public CompletableFuture<C> refresh() {
    return startAttempt(Trigger.FORCED);
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
    return startAttempt(Trigger.INVALIDATED);
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
          failures);
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
    } finally {
      lock.unlock();
    }
    for (PendingRevocation<C> p : pending) {
      p.task().cancel();
      revoke(p.credential());
    }
    if (held != null) {
      revoke(held);
    }
    publish(event(AuditEventType.CLOSED, AuditOutcome.SUCCESS));
    awaitAuditDelivery();
  }

  /**
   * Waits, at most {@link #CLOSE_AUDIT_WAIT} on the injected scheduler, for this source's audit
   * events to reach the listeners, so an application that closes its sources and then its audit
   * file loses nothing. A blocked listener delays {@code close()} by that bound, never more.
   */
  private void awaitAuditDelivery() {
    CompletableFuture<Void> delivered = audit.flush();
    if (delivered.isDone()) {
      return;
    }
    Scheduler.Task giveUp = scheduler.schedule(() -> delivered.complete(null), CLOSE_AUDIT_WAIT);
    try {
      delivered.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      // cannot happen: the barrier only ever completes normally
    } finally {
      giveUp.cancel();
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

  /** With nothing valid held: fail fast on a known failure, else join or start an attempt. */
  private CompletableFuture<C> acquire(Trigger trigger) {
    lock.lock();
    try {
      if (closed) {
        return CompletableFuture.failedFuture(closedException());
      }
      C installed = snapshot.serving;
      if (installed != null) {
        return CompletableFuture.completedFuture(installed); // an attempt finished meanwhile
      }
      CompletableFuture<C> f = inflight;
      if (f != null) {
        return f;
      }
      // The last attempt failed and its retry is scheduled: answer with that failure rather than
      // hammering the upstream once per caller. Terminal failures wait for their retry; transient
      // ones are retried now (an outage that ended should heal the first caller after it).
      CredentialUnavailableException last = lastFailure;
      if (last != null && last.isTerminal() && snapshot.serving == null) {
        return CompletableFuture.failedFuture(last);
      }
    } finally {
      lock.unlock();
    }
    return startAttempt(trigger);
  }

  private CompletableFuture<C> startAttempt(Trigger trigger) {
    CompletableFuture<C> f;
    lock.lock();
    try {
      if (closed) {
        return CompletableFuture.failedFuture(closedException());
      }
      if (inflight != null) {
        return inflight;
      }
      f = new CompletableFuture<>();
      inflight = f;
      cancel(refreshTask);
      refreshTask = null;
      nextRefreshAt = null;
    } finally {
      lock.unlock();
    }
    try {
      scheduler.workers().execute(() -> runAttempt(f, trigger));
    } catch (RejectedExecutionException e) {
      fail(
          f,
          new CredentialUnavailableException(
              Reason.UNAVAILABLE, "the refresh executor rejected the attempt", e),
          0,
          1);
    }
    return f;
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
    Duration timeout = policy.acquireTimeout();
    Scheduler.Task task =
        scheduler.schedule(
            () ->
                waiter.completeExceptionally(
                    new CredentialUnavailableException(
                        Reason.TIMEOUT,
                        "no credential from source '" + name + "' within " + timeout)),
            timeout);
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

  private void runAttempt(CompletableFuture<C> f, Trigger trigger) {
    int attempt;
    C renewable;
    lock.lock();
    try {
      attempt = failureStreak + 1;
      renewable =
          trigger == Trigger.SCHEDULED || trigger == Trigger.DEMAND ? snapshot.serving : null;
    } finally {
      lock.unlock();
    }
    long start = ticker.read();
    try {
      if (renewable != null) {
        Optional<C> renewed = tryRenew(renewable, attempt);
        if (renewed.isPresent()) {
          C r = renewed.get();
          long end = ticker.read();
          if (renewalSufficient(r)) {
            install(f, r, start, end, attempt);
            return;
          }
          // Capped near max TTL: keep the short extension while a new credential is issued.
          install(null, r, start, end, attempt);
          start = ticker.read();
        }
      }
      C fresh = Objects.requireNonNull(issuer.issue(), "issuer returned null");
      install(f, fresh, start, ticker.read(), attempt);
    } catch (RuntimeException | Error e) {
      fail(f, classify(e), ticker.read() - start, attempt);
      if (e instanceof VirtualMachineError) {
        throw e;
      }
    }
  }

  private Optional<C> tryRenew(C held, int attempt) {
    long start = ticker.read();
    try {
      return issuer.renew(held);
    } catch (CredentialUnavailableException e) {
      if (!e.isTerminal()) {
        throw e;
      }
      // Refused for good (revoked elsewhere, past its max TTL): audit it, then issue anew.
      publish(
          event(AuditEventType.RENEWED, AuditOutcome.FAILURE)
              .credential(held)
              .latency(Duration.ofNanos(ticker.read() - start))
              .attempt(attempt)
              .error(auditError(e)));
      return Optional.empty();
    }
  }

  private boolean renewalSufficient(C renewed) {
    long lifetime = lifetimeNanos(renewed, clock.instant());
    lock.lock();
    try {
      return firstLifetimeNanos == 0
          || lifetime >= (long) (firstLifetimeNanos * policy.minRenewalFraction());
    } finally {
      lock.unlock();
    }
  }

  /**
   * Makes {@code fresh} the served credential. With {@code f} null this is an intermediate install
   * (a capped renewal) and the attempt goes on.
   */
  private void install(
      @Nullable CompletableFuture<C> f, C fresh, long start, long receivedAt, int attempt) {
    Instant now = clock.instant();
    long lifetime = lifetimeNanos(fresh, now);
    if (lifetime <= 0) {
      throw new CredentialUnavailableException(
          Reason.MALFORMED_RESPONSE,
          "the upstream returned credential "
              + fresh.id()
              + " that had already expired (expiresAt "
              + fresh.expiresAt()
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
        long margin = Math.min(policy.expiryMargin().toNanos(), lifetime / 2);
        long serve = lifetime - margin;
        long staleAt = receivedAt + serve;
        if (rotated) {
          firstLifetimeNanos = lifetime;
        }
        generation++;
        long gen = generation;
        cancel(expiryTask);
        cancel(refreshTask);
        long nowTick = ticker.read();
        expiryTask = scheduler.schedule(() -> expire(gen), Duration.ofNanos(staleAt - nowTick));
        long refreshAt = receivedAt + refreshOffset(lifetime, serve);
        Duration refreshIn = Duration.ofNanos(Math.max(0, refreshAt - nowTick));
        refreshTask = scheduler.schedule(() -> scheduledRefresh(gen), refreshIn);
        nextRefreshAt = now.plus(refreshIn);
        snapshot =
            new Snapshot<>(fresh, SourceState.VALID, staleAt, now.plusNanos(staleAt - receivedAt));
        lastIssued = fresh;
        failureStreak = 0;
        lastFailure = null;
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
    publish(
        event(rotated ? AuditEventType.ISSUED : AuditEventType.RENEWED, AuditOutcome.SUCCESS)
            .credential(fresh)
            .latency(Duration.ofNanos(receivedAt - start))
            .attempt(attempt));
    reportSkew(fresh, now);
    if (rotated && previous != null) {
      notifySubscribers(fresh);
      retire(previous);
    }
    if (f != null) {
      f.complete(fresh);
    }
  }

  private void fail(
      CompletableFuture<C> f, CredentialUnavailableException error, long took, int attempt) {
    Duration retryIn = null;
    lock.lock();
    try {
      failures++;
      failureStreak++;
      lastFailure = error;
      if (!closed) {
        Snapshot<C> s = snapshot;
        long delay = backoffNanos(error, failureStreak);
        if (s.serving != null) {
          long left = s.staleAtNanos - ticker.read();
          if (delay > left) {
            delay = left < policy.initialBackoff().toNanos() ? left : left / 2;
          }
          snapshot = s.withState(SourceState.DEGRADED);
        } else {
          snapshot = s.withState(SourceState.UNAVAILABLE);
        }
        Optional<Duration> hint = error.retryAfter();
        if (hint.isPresent()) {
          delay = Math.max(delay, hint.get().toNanos());
        }
        retryIn = Duration.ofNanos(Math.max(0, delay));
        long gen = generation;
        cancel(refreshTask);
        refreshTask = scheduler.schedule(() -> scheduledRefresh(gen), retryIn);
        nextRefreshAt = clock.instant().plus(retryIn);
      }
      if (inflight == f) {
        inflight = null;
      }
    } finally {
      lock.unlock();
    }
    AuditEvent.Builder e =
        event(AuditEventType.REFRESH_FAILED, AuditOutcome.FAILURE)
            .latency(Duration.ofNanos(Math.max(0, took)))
            .attempt(attempt)
            .error(auditError(error));
    if (retryIn != null) {
      e.attribute("retryInMs", Long.toString(retryIn.toMillis()));
    }
    publish(e);
    f.completeExceptionally(error);
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
    publish(event(AuditEventType.EXPIRED, AuditOutcome.FAILURE).credential(expired));
  }

  // ---------------------------------------------------------------- arithmetic

  /** The lifetime left, the pessimistic reading of server and local clocks. */
  private static long lifetimeNanos(Credential c, Instant now) {
    Duration stated = Duration.between(c.issuedAt(), c.expiresAt());
    Duration local = Duration.between(now, c.expiresAt());
    return saturatedNanos(stated.compareTo(local) < 0 ? stated : local);
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  private long refreshOffset(long lifetime, long serve) {
    double jitter = policy.jitterFraction() * lifetime;
    double offset = policy.refreshFraction() * lifetime;
    lock.lock();
    try {
      if (jitter > 0) {
        offset += random.nextDouble(-jitter, jitter);
      }
    } finally {
      lock.unlock();
    }
    // Never at or after the end of service: callers must not notice the refresh.
    return (long) Math.max(0, Math.min(offset, serve * 0.9));
  }

  private long backoffNanos(CredentialUnavailableException error, int streak) {
    Duration initial =
        error.isTerminal() ? policy.terminalInitialBackoff() : policy.initialBackoff();
    Duration max = error.isTerminal() ? policy.terminalMaxBackoff() : policy.maxBackoff();
    long cap = initial.toNanos();
    for (int i = 1; i < streak && cap < max.toNanos(); i++) {
      cap *= 2;
    }
    cap = Math.min(cap, max.toNanos());
    // Full jitter: uniform in (0, cap]. At least a millisecond, never a hot loop.
    return Math.max(1_000_000L, (long) (random.nextDouble() * cap));
  }

  // ---------------------------------------------------------------- after a swap

  private void notifySubscribers(C fresh) {
    for (Consumer<? super C> s : subscribers) {
      try {
        s.accept(fresh);
      } catch (RuntimeException e) {
        publish(
            event(AuditEventType.ANOMALY, AuditOutcome.FAILURE)
                .credential(fresh)
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
              delay);
      self[0] = new PendingRevocation<>(old, task);
      pendingRevocations.add(self[0]);
    } finally {
      lock.unlock();
    }
  }

  @SuppressWarnings("unchecked")
  private static <C> PendingRevocation<C>[] newPendingHolder() {
    return (PendingRevocation<C>[]) new PendingRevocation<?>[1];
  }

  private void runOnWorkers(Runnable r) {
    try {
      scheduler.workers().execute(r);
    } catch (RejectedExecutionException e) {
      r.run();
    }
  }

  private void revoke(C credential) {
    long start = ticker.read();
    try {
      if (issuer.revoke(credential)) {
        publish(
            event(AuditEventType.REVOKED, AuditOutcome.SUCCESS)
                .credential(credential)
                .latency(Duration.ofNanos(ticker.read() - start)));
      }
    } catch (RuntimeException e) {
      publish(
          event(AuditEventType.REVOKED, AuditOutcome.FAILURE)
              .credential(credential)
              .latency(Duration.ofNanos(ticker.read() - start))
              .error(auditError(classify(e))));
    }
  }

  private void reportSkew(C fresh, Instant now) {
    Duration stated = Duration.between(fresh.issuedAt(), fresh.expiresAt());
    Duration local = Duration.between(now, fresh.expiresAt());
    Duration skew = stated.minus(local).abs();
    if (skew.compareTo(policy.expiryMargin()) > 0 && local.compareTo(stated) < 0) {
      // Only when the credential is worth less locally than it says: a cached token handed back
      // with its remaining life (a metadata server) is normal and shows as local < stated only
      // when issuedAt is the original issue time, which is what this reports.
      publish(
          event(AuditEventType.ANOMALY, AuditOutcome.SUCCESS)
              .credential(fresh)
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

  private IssuerInfo describe() {
    try {
      return issuer.describe();
    } catch (RuntimeException e) {
      return IssuerInfo.of("unknown", "", "");
    }
  }

  private void publish(AuditEvent.Builder event) {
    if (audit.active()) {
      audit.publish(event.build());
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
      task.cancel();
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

    /** The randomness behind jitter (for reproducible tests); defaults to a fresh generator. */
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
