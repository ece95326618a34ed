package dev.ephemera.core.refresh;

import dev.ephemera.core.Credential;
import dev.ephemera.core.audit.AuditEventType;
import dev.ephemera.core.spi.CredentialIssuer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Revokes the credentials a source no longer serves, at the upstream, each audited as {@link
 * AuditEventType#REVOKED}: a superseded one after {@link RefreshPolicy#revokeDelay()} (its grace
 * period), on a timer, so callers that still hold it can finish; at close, every one still waiting,
 * at once. Its state is guarded by the source's own lock, so a retirement and the source's close
 * are ordered as one.
 *
 * @param <C> the credential type
 */
final class Revocations<C extends Credential> {

  /** A superseded credential waiting out its grace period. */
  record Pending<C>(C credential, Scheduler.Task task) {}

  private final CredentialIssuer<C> issuer;
  private final Duration delay;
  private final Scheduler scheduler;
  private final Ticker ticker;
  private final SourceAudit audit;
  private final ReentrantLock lock;
  // Guarded by lock.
  private final List<Pending<C>> pending = new ArrayList<>();
  private boolean closed;

  Revocations(
      CredentialIssuer<C> issuer,
      Duration delay,
      Scheduler scheduler,
      Ticker ticker,
      SourceAudit audit,
      ReentrantLock lock) {
    this.issuer = issuer;
    this.delay = delay;
    this.scheduler = scheduler;
    this.ticker = ticker;
    this.audit = audit;
    this.lock = lock;
  }

  /** Revokes {@code old} after the grace period; at once if there is none or no timer to be had. */
  void retire(C old) {
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
      Pending<C>[] self = newHolder();
      Scheduler.Task task =
          scheduler.schedule(
              () -> {
                boolean due;
                lock.lock();
                try {
                  due = self[0] != null && pending.remove(self[0]);
                } finally {
                  lock.unlock();
                }
                if (due) {
                  runOnWorkers(() -> revoke(old));
                }
              },
              Duration.ofNanos(Schedule.nanos(delay)));
      self[0] = new Pending<>(old, task);
      pending.add(self[0]);
    } catch (Throwable e) {
      now = true; // no timer to be had: revoke at once rather than never
    } finally {
      lock.unlock();
    }
    if (now) {
      revoke(old);
    }
  }

  /**
   * Under the source's lock, as it closes: refuses later retirements and hands over the ones
   * waiting, for {@link #revokeAtOnce} once the lock is released.
   */
  List<Pending<C>> closeLocked() {
    closed = true;
    List<Pending<C>> waiting = new ArrayList<>(pending);
    pending.clear();
    return waiting;
  }

  /** Cancels the grace periods of {@code waiting} and revokes each now. */
  void revokeAtOnce(List<Pending<C>> waiting) {
    for (Pending<C> p : waiting) {
      RefreshingCredentialSource.cancel(p.task());
      revoke(p.credential());
    }
  }

  /** Revokes at the upstream, audited; never throws. */
  void revoke(C credential) {
    long start = 0;
    try {
      start = ticker.read();
      if (issuer.revoke(credential)) {
        audit.revoked(credential, RefreshingCredentialSource.elapsedSince(ticker, start));
      }
    } catch (Throwable t) {
      audit.revokeFailed(credential, RefreshingCredentialSource.elapsedSince(ticker, start), t);
    }
  }

  private void runOnWorkers(Runnable r) {
    try {
      scheduler.workers().execute(r);
    } catch (Throwable e) {
      r.run();
    }
  }

  @SuppressWarnings("unchecked")
  private static <C> Pending<C>[] newHolder() {
    return (Pending<C>[]) new Pending<?>[1];
  }
}
