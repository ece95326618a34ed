package dev.ephemera.core.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import org.jspecify.annotations.Nullable;

/**
 * Delivers audit events to listeners the way every credential source does; use it for events a
 * backend emits outside a source (a {@code SECRET_READ}).
 *
 * <p>Every listener is isolated from every other. Each has its own queue of at most {@code
 * capacity} events, drained in publication order by its own task on {@code delivery}, off the
 * publisher's thread (on it, if {@code delivery} runs tasks inline). Whatever a listener throws,
 * checked exceptions included, is caught and counted in {@link #listenerFailures()}. A listener
 * that blocks loses only its own events: once its queue is full they are dropped for it alone and
 * counted, in total in {@link #dropped()} and per listener in {@link #dropped(AuditListener)}.
 *
 * <p>Losses are reported twice with an event built by {@code dropReport} (an {@link
 * AuditEventType#ANOMALY}): at the first loss of a run, {@code dropReport.apply(1)} goes at once to
 * the publisher's other listeners, so the loss is seen while the listener that lost it stays stuck;
 * and when that listener's queue drains again, it receives its own report of everything it lost.
 *
 * <p>Calls into one listener object are serialized across every publisher in the JVM (a listener
 * shared by thousands of sources is never called concurrently), and a publisher waiting for a
 * listener busy elsewhere holds no thread: a listener blocked forever holds exactly one thread of
 * {@code delivery}, however many publishers share it.
 */
public final class AuditPublisher {
  private final List<ListenerChannel> channels;
  private final LongFunction<AuditEvent> dropReport;
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong listenerFailures = new AtomicLong();

  /**
   * A dispatcher; with no listeners, {@link #publish} does nothing.
   *
   * @param listeners called in their own channels; the list is copied
   * @param delivery runs the listeners' drain tasks; may run them inline
   * @param capacity the most events queued for each listener
   * @param dropReport builds the {@code ANOMALY} event reporting a number of dropped events
   */
  public AuditPublisher(
      List<AuditListener> listeners,
      Executor delivery,
      int capacity,
      LongFunction<AuditEvent> dropReport) {
    List<AuditListener> copy = List.copyOf(listeners);
    List<ListenerChannel> list = new ArrayList<>(copy.size());
    for (AuditListener listener : copy) {
      list.add(new ListenerChannel(this, listener, delivery, capacity, ListenerGate.SHARED));
    }
    this.channels = List.copyOf(list);
    this.dropReport = dropReport;
  }

  /** {@return true when at least one listener is registered} */
  public boolean active() {
    return !channels.isEmpty();
  }

  /**
   * Queues an event for every listener; never blocks, never throws.
   *
   * @param event the event
   */
  public void publish(AuditEvent event) {
    for (ListenerChannel channel : channels) {
      channel.offer(event);
    }
  }

  /** {@return events dropped because a listener's queue was full, summed over the listeners} */
  public long dropped() {
    return dropped.get();
  }

  /**
   * {@return events dropped for {@code listener} because its queue was full (zero if it is not one
   * of this publisher's listeners; summed if it was registered more than once)}
   *
   * @param listener the audit listener
   */
  public long dropped(AuditListener listener) {
    long sum = 0;
    for (ListenerChannel channel : channels) {
      if (channel.listener() == listener) {
        sum += channel.dropped();
      }
    }
    return sum;
  }

  /** {@return listener calls that threw} */
  public long listenerFailures() {
    return listenerFailures.get();
  }

  /**
   * {@return a future that completes once every event published before this call has been delivered
   * (or dropped) to every listener} Never blocks; with no listeners it is already complete.
   */
  public CompletableFuture<Void> flush() {
    if (channels.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<?>[] barriers = new CompletableFuture<?>[channels.size()];
    for (int i = 0; i < barriers.length; i++) {
      barriers[i] = channels.get(i).barrier();
    }
    return CompletableFuture.allOf(barriers);
  }

  void countDrop() {
    dropped.incrementAndGet();
  }

  void countFailure() {
    listenerFailures.incrementAndGet();
  }

  /** Tells every listener but {@code lossy}'s that it began to lose events. */
  void reportFirstLoss(ListenerChannel lossy) {
    if (channels.size() < 2) {
      return;
    }
    AuditEvent report = dropReport(1);
    if (report == null) {
      return;
    }
    for (ListenerChannel channel : channels) {
      if (channel != lossy) {
        channel.offer(report);
      }
    }
  }

  /** The report of {@code lost} events, or null if the report function failed. */
  @Nullable AuditEvent dropReport(long lost) {
    try {
      return dropReport.apply(lost);
    } catch (Throwable t) {
      return null;
    }
  }
}
