package dev.ephemera.core.audit;

import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * One listener of one publisher: its own bounded queue, drained in order by its own task on the
 * publisher's executor.
 *
 * <p>A drain runs only while the channel owns its listener in the {@link ListenerGate}: a channel
 * whose listener is busy in another channel is parked there, holding no thread, and resumed when
 * the listener is free (on the same thread when both channels deliver on the same executor, else
 * resubmitted to its own). So a stuck listener holds exactly one thread, however many publishers
 * share it, and loses only its own events.
 *
 * <p>States: idle ({@code claimed} false); claimed and parked in the gate; claimed and submitted or
 * running (owns the gate). Only the owner polls the queue.
 */
final class ListenerChannel {
  /** Events delivered in one turn before the listener is offered to waiting channels. */
  private static final int BATCH = 256;

  private final AuditPublisher publisher;
  private final AuditListener listener;
  private final Executor delivery;
  private final int capacity;
  private final ListenerGate<ListenerChannel> gate;

  /** {@link AuditEvent}s and flush barriers ({@link CompletableFuture}s), in publication order. */
  private final Queue<Object> queue = new ConcurrentLinkedQueue<>();

  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicBoolean claimed = new AtomicBoolean();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong unreported = new AtomicLong();

  ListenerChannel(
      AuditPublisher publisher,
      AuditListener listener,
      Executor delivery,
      int capacity,
      ListenerGate<ListenerChannel> gate) {
    this.publisher = publisher;
    this.listener = listener;
    this.delivery = delivery;
    this.capacity = capacity;
    this.gate = gate;
  }

  AuditListener listener() {
    return listener;
  }

  /** Events this listener lost because its queue was full. */
  long dropped() {
    return dropped.get();
  }

  /** Queues an event, or drops and counts it when the queue is full. Never blocks or throws. */
  void offer(AuditEvent event) {
    if (queued.incrementAndGet() > capacity) {
      queued.decrementAndGet();
      dropped.incrementAndGet();
      publisher.countDrop();
      if (unreported.getAndIncrement() == 0) {
        // The first loss of a run: tell the other listeners now, while this one may stay stuck.
        publisher.reportFirstLoss(this);
      }
      return;
    }
    queue.add(event);
    schedule();
  }

  /** A future completed once everything queued before it was delivered or dropped. */
  CompletableFuture<Void> barrier() {
    CompletableFuture<Void> barrier = new CompletableFuture<>();
    queue.add(barrier);
    schedule();
    return barrier;
  }

  private void schedule() {
    if (claimed.compareAndSet(false, true) && gate.enter(listener, this)) {
      submit(this);
    }
    // else: running, or parked in the gate (its owner resumes this channel).
  }

  /** Submits channels that own their listener; one whose executor rejects gives its turn on. */
  private static void submit(@Nullable ListenerChannel channel) {
    for (ListenerChannel c = channel; c != null; ) {
      c = c.trySubmit();
    }
  }

  private @Nullable ListenerChannel trySubmit() {
    try {
      delivery.execute(this::run);
      return null;
    } catch (Throwable rejected) {
      // Shut down or saturated: keep the events, free the listener; the next publish retries.
      ListenerChannel next = gate.exit(listener);
      claimed.set(false);
      return next;
    }
  }

  /** A task on {@link #delivery}; this channel owns its listener. */
  private void run() {
    for (ListenerChannel c = this; c != null; ) {
      c = c.turn();
    }
  }

  /** One turn: delivers a batch, then hands the listener on; returns what to run next here. */
  private @Nullable ListenerChannel turn() {
    drainBatch();
    ListenerChannel next = gate.exit(listener);
    claimed.set(false);
    if (hasWork() && claimed.compareAndSet(false, true) && gate.enter(listener, this)) {
      return this; // nobody was waiting (next is null): keep the thread
    }
    if (next == null) {
      return null;
    }
    if (next.delivery == delivery) {
      return next; // the same executor: resume it on this thread rather than on a new one
    }
    submit(next);
    return null;
  }

  private boolean hasWork() {
    return !queue.isEmpty() || unreported.get() > 0;
  }

  private void drainBatch() {
    for (int i = 0; i < BATCH; i++) {
      Object item = queue.poll();
      if (item == null) {
        break;
      }
      if (item instanceof AuditEvent event) {
        queued.decrementAndGet();
        deliver(event);
      } else {
        reportLosses(); // what was lost before a flush is reported before the flush completes
        @SuppressWarnings("unchecked")
        CompletableFuture<Void> barrier = (CompletableFuture<Void>) item;
        barrier.complete(null);
      }
    }
    if (queue.isEmpty()) {
      reportLosses();
    }
  }

  private void reportLosses() {
    long lost = unreported.getAndSet(0);
    if (lost > 0) {
      AuditEvent report = publisher.dropReport(lost);
      if (report != null) {
        deliver(report);
      }
    }
  }

  private void deliver(AuditEvent event) {
    try {
      listener.onEvent(event);
    } catch (Throwable t) {
      // Anything, checked exceptions thrown sneakily included: the channel stays healthy.
      publisher.countFailure();
    }
  }
}
