package dev.ephemera.vault.internal;

import dev.ephemera.core.audit.AuditEvent;
import dev.ephemera.core.audit.AuditListener;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Delivers audit events that are not about a credential source (KV reads) to the same listeners,
 * the way the engine does: off the caller's thread on the scheduler's audit executor, in order,
 * each listener isolated, no lock held while a listener runs, at most {@code capacity} events
 * waiting (more are dropped and counted).
 */
public final class AuditPublisher {
  private final List<AuditListener> listeners;
  private final Executor delivery;
  private final int capacity;
  private final Queue<AuditEvent> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicBoolean draining = new AtomicBoolean();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();

  /** A publisher delivering on {@code delivery}. */
  public AuditPublisher(List<AuditListener> listeners, Executor delivery, int capacity) {
    this.listeners = List.copyOf(listeners);
    this.delivery = delivery;
    this.capacity = capacity;
  }

  /** True when some listener would receive an event. */
  public boolean active() {
    return !listeners.isEmpty();
  }

  /** Queues {@code event}; never blocks, never throws. */
  public void publish(AuditEvent event) {
    if (listeners.isEmpty()) {
      return;
    }
    if (queued.incrementAndGet() > capacity) {
      queued.decrementAndGet();
      dropped.incrementAndGet();
      return;
    }
    queue.add(event);
    drainSoon();
  }

  /** Events dropped because the queue was full. */
  public long dropped() {
    return dropped.get();
  }

  /** Listener calls that threw. */
  public long listenerFailures() {
    return failures.get();
  }

  private void drainSoon() {
    if (draining.compareAndSet(false, true)) {
      try {
        delivery.execute(this::drain);
      } catch (RejectedExecutionException e) {
        draining.set(false);
      }
    }
  }

  private void drain() {
    try {
      AuditEvent event;
      while ((event = queue.poll()) != null) {
        queued.decrementAndGet();
        for (AuditListener l : listeners) {
          try {
            l.onEvent(event);
          } catch (RuntimeException e) {
            failures.incrementAndGet();
          }
        }
      }
    } finally {
      draining.set(false);
    }
    if (!queue.isEmpty()) {
      drainSoon();
    }
  }
}
