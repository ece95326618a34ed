package dev.ephemera.core.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/**
 * Delivers audit events to listeners the way every credential source does; use it for events a
 * backend emits outside a source (a {@code SECRET_READ}). Delivers one publisher's events to its
 * listeners, off the caller's thread, in order, each listener isolated. At most {@code capacity}
 * events wait; more are dropped and counted, and the count is reported by an event built with
 * {@code dropReport} once the queue drains.
 */
public final class AuditPublisher {
  private final List<AuditListener> listeners;
  private final Executor delivery;
  private final int capacity;
  private final LongFunction<AuditEvent> dropReport;
  private final Queue<AuditEvent> queue = new ConcurrentLinkedQueue<>();
  private final Queue<CompletableFuture<Void>> barriers = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicBoolean draining = new AtomicBoolean();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong unreported = new AtomicLong();
  private final AtomicLong listenerFailures = new AtomicLong();

  /** A dispatcher; with no listeners, {@link #publish} does nothing. */
  public AuditPublisher(
      List<AuditListener> listeners,
      Executor delivery,
      int capacity,
      LongFunction<AuditEvent> dropReport) {
    this.listeners = List.copyOf(listeners);
    this.delivery = delivery;
    this.capacity = capacity;
    this.dropReport = dropReport;
  }

  /** True when at least one listener is registered. */
  public boolean active() {
    return !listeners.isEmpty();
  }

  /** Queues an event; never blocks, never throws. */
  public void publish(AuditEvent event) {
    if (listeners.isEmpty()) {
      return;
    }
    if (queued.incrementAndGet() > capacity) {
      queued.decrementAndGet();
      dropped.incrementAndGet();
      unreported.incrementAndGet();
      return;
    }
    queue.add(event);
    scheduleDrain();
  }

  /** Events dropped because the queue was full. */
  public long dropped() {
    return dropped.get();
  }

  /** Listener calls that threw. */
  public long listenerFailures() {
    return listenerFailures.get();
  }

  private void scheduleDrain() {
    if (draining.compareAndSet(false, true)) {
      try {
        delivery.execute(this::drain);
      } catch (RejectedExecutionException e) {
        draining.set(false);
      }
    }
  }

  /**
   * A future that completes once every event published before this call has been delivered (or
   * dropped). Never blocks; with no listeners it is already complete.
   */
  public CompletableFuture<Void> flush() {
    if (listeners.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> barrier = new CompletableFuture<>();
    barriers.add(barrier);
    scheduleDrain();
    return barrier;
  }

  private void drain() {
    try {
      // Barriers taken before the events: events published after a flush() need not hold it.
      List<CompletableFuture<Void>> reached = new ArrayList<>();
      for (CompletableFuture<Void> b; (b = barriers.poll()) != null; ) {
        reached.add(b);
      }
      AuditEvent event;
      while ((event = queue.poll()) != null) {
        queued.decrementAndGet();
        deliver(event);
      }
      long lost = unreported.getAndSet(0);
      if (lost > 0) {
        deliver(dropReport.apply(lost));
      }
      reached.forEach(b -> b.complete(null));
    } finally {
      draining.set(false);
    }
    if (!queue.isEmpty() || !barriers.isEmpty() || unreported.get() > 0) {
      scheduleDrain();
    }
  }

  private void deliver(AuditEvent event) {
    for (AuditListener listener : listeners) {
      try {
        listener.onEvent(event);
      } catch (RuntimeException | Error e) {
        if (e instanceof VirtualMachineError) {
          throw e;
        }
        listenerFailures.incrementAndGet();
      }
    }
  }
}
