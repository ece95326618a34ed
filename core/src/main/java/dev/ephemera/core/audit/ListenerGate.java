package dev.ephemera.core.audit;

import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Serializes calls into one listener object across every publisher in the JVM, without holding a
 * thread while waiting.
 *
 * <p>A listener (a JSON-lines file, a log appender) assumes one caller at a time, and one listener
 * object is commonly shared by thousands of sources. A turn that finds its listener busy is queued
 * here and {@link #enter} returns {@code false}: the caller parks the work instead of blocking. The
 * owner's {@link #exit} hands the listener to the oldest waiter, which the caller then resumes. The
 * entry for a listener exists only while it is busy, so nothing accumulates. Listeners are keyed by
 * identity, never by {@code equals}. No user code runs inside the map's critical sections, so a
 * listener that re-enters the gate (by publishing from {@code onEvent}) parks rather than
 * deadlocks.
 *
 * @param <W> the waiting work
 */
final class ListenerGate<W> {
  /** The one gate for every audit publisher in the JVM. */
  static final ListenerGate<ListenerChannel> SHARED = new ListenerGate<>();

  private final ConcurrentHashMap<Key, Busy<W>> busy = new ConcurrentHashMap<>();

  /**
   * Takes the listener for {@code waiter}: true when it was free (the caller now owns it); false
   * when it is busy, in which case {@code waiter} is queued and later returned by the owner's
   * {@link #exit}.
   */
  boolean enter(Object listener, W waiter) {
    boolean[] entered = {false};
    busy.compute(
        new Key(listener),
        (k, b) -> {
          if (b == null) {
            entered[0] = true;
            return new Busy<>();
          }
          b.waiter(waiter);
          return b;
        });
    return entered[0];
  }

  /**
   * Gives up the listener the caller owns: returns the waiter that now owns it (the caller resumes
   * it), or null when nobody waited and the listener is free again.
   */
  @Nullable W exit(Object listener) {
    @SuppressWarnings("unchecked")
    W[] next = (W[]) new Object[1];
    busy.computeIfPresent(
        new Key(listener),
        (k, b) -> {
          W n = b.next();
          if (n == null) {
            return null;
          }
          next[0] = n;
          return b;
        });
    return next[0];
  }

  /** Listeners owned right now (zero when all are idle: nothing leaks). */
  int busyListeners() {
    return busy.size();
  }

  /** Who waits for a busy listener; mutated only inside the map's compute. */
  private static final class Busy<W> {
    private @Nullable W first;
    private @Nullable ArrayDeque<W> more;

    void waiter(W w) {
      if (first == null && more == null) {
        first = w;
        return;
      }
      if (more == null) {
        more = new ArrayDeque<>();
      }
      more.addLast(w);
    }

    @Nullable W next() {
      W n = first;
      if (n != null) {
        first = null;
        return n;
      }
      return more == null ? null : more.pollFirst();
    }
  }

  /** Identity of a listener object. */
  private static final class Key {
    private final Object ref;

    Key(Object ref) {
      this.ref = ref;
    }

    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof Key k && k.ref == ref;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(ref);
    }
  }
}
