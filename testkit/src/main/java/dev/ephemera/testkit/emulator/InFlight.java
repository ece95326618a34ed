package dev.ephemera.testkit.emulator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * How many requests an emulator was answering at once for each key (a source, a workload): the
 * upstream's view of "at most one call in flight per source". A request counts from the moment it
 * arrives until its answer is handed to the server, plus any {@link Fault#latency latency} the
 * answer waits out before it is sent, measured on real time (the wire is real even when the clock
 * is virtual). Requests the key function gives no key are not counted. Thread-safe.
 *
 * <pre>{@code
 * InFlight perPod = sts.journal().trackInFlight(r -> Optional.ofNullable(r.form().get("RoleSessionName")));
 * ... callers hammer the sources ...
 * assertThat(perPod.maxPerKey()).isLessThanOrEqualTo(1);
 * }</pre>
 */
public final class InFlight {
  /** What one key is doing now: requests being answered, and until when a delayed answer runs. */
  private static final class Busy {
    int answering;
    long busyUntilNanos;
  }

  private final Function<EmulatedRequest, Optional<String>> key;
  private final Map<String, Busy> busy = new HashMap<>(); // guarded by this
  private final List<String> overlapping = new ArrayList<>(); // guarded by this
  private int maxPerKey; // guarded by this
  private long overlaps; // guarded by this
  private long tracked; // guarded by this
  private int answeringNow; // guarded by this
  private long lastDelayedAnswerNanos = System.nanoTime(); // guarded by this

  InFlight(Function<EmulatedRequest, Optional<String>> key) {
    this.key = Objects.requireNonNull(key, "key");
  }

  /** A request has arrived; {@return its key, to hand back to {@link #answered}, or null} */
  @Nullable String arrived(EmulatedRequest request) {
    Optional<String> k;
    try {
      k = key.apply(request);
    } catch (RuntimeException e) {
      // A key function that cannot read a request does not count it; it must not fail the answer.
      return null;
    }
    if (k.isEmpty()) {
      return null;
    }
    String name = k.get();
    long now = System.nanoTime();
    synchronized (this) {
      tracked++;
      Busy b = busy.computeIfAbsent(name, n -> new Busy());
      boolean delayedStillRunning = b.busyUntilNanos - now > 0;
      int concurrent = b.answering + (delayedStillRunning ? 1 : 0) + 1;
      b.answering++;
      answeringNow++;
      if (concurrent > 1) {
        overlaps++;
        if (overlapping.size() < 20) {
          overlapping.add(name);
        }
      }
      maxPerKey = Math.max(maxPerKey, concurrent);
    }
    return name;
  }

  /** The answer for {@code name} leaves now and is sent after {@code delayNanos}. */
  synchronized void answered(@Nullable String name, long delayNanos) {
    if (name == null) {
      return;
    }
    Busy b = busy.get(name);
    if (b == null) {
      return;
    }
    b.answering--;
    answeringNow--;
    long until = System.nanoTime() + Math.max(0, delayNanos);
    if (until - b.busyUntilNanos > 0) {
      b.busyUntilNanos = until;
    }
    if (until - lastDelayedAnswerNanos > 0) {
      lastDelayedAnswerNanos = until;
    }
    notifyAll();
  }

  /**
   * Waits, on real time, until no counted request is being answered and every delayed answer has
   * been sent: a test that advances a virtual clock calls this first, so virtual time never passes
   * while a real request is still on the wire (a client that timed out has moved on; the wire has
   * not).
   *
   * @param max the longest to wait
   * @return true when idle, false when {@code max} passed first
   * @throws InterruptedException when interrupted while waiting
   */
  public synchronized boolean awaitIdle(Duration max) throws InterruptedException {
    // saturated: Duration.toNanos() throws past ~292 years, and a start plus that would overflow
    long maxNanos =
        max.compareTo(Duration.ofNanos(Long.MAX_VALUE)) >= 0 ? Long.MAX_VALUE : max.toNanos();
    long start = System.nanoTime();
    while (true) {
      long now = System.nanoTime();
      long left = maxNanos - (now - start);
      long delayed = lastDelayedAnswerNanos - now;
      if (answeringNow == 0 && delayed <= 0) {
        return true;
      }
      if (left <= 0) {
        return false;
      }
      long wait = answeringNow > 0 ? left : Math.min(left, delayed);
      TimeUnit.NANOSECONDS.timedWait(this, wait);
    }
  }

  /** {@return the most requests answered at once for any one key (0 before any request)} */
  public synchronized int maxPerKey() {
    return maxPerKey;
  }

  /** {@return how many requests arrived while another one with the same key was in flight} */
  public synchronized long overlaps() {
    return overlaps;
  }

  /** {@return the keys of the first (up to 20) overlapping requests, in arrival order} */
  public synchronized List<String> overlappingKeys() {
    return List.copyOf(overlapping);
  }

  /** {@return how many requests had a key} */
  public synchronized long tracked() {
    return tracked;
  }

  /** {@return how many distinct keys were seen} */
  public synchronized int keys() {
    return busy.size();
  }

  @Override
  public synchronized String toString() {
    return "InFlight[keys="
        + busy.size()
        + ", tracked="
        + tracked
        + ", maxPerKey="
        + maxPerKey
        + ", overlaps="
        + overlaps
        + "]";
  }
}
