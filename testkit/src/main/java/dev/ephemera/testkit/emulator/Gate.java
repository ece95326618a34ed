package dev.ephemera.testkit.emulator;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A hold on an emulator's answers, for {@link Fault#hold(Gate)}: a request that meets the fault is
 * received in full and then waits, unanswered, until the test {@linkplain #open() opens} the gate.
 * Between {@link #awaitArrival} returning true and {@link #open()}, the client that sent it is
 * provably blocked in upstream I/O, so a test can look at what that client's thread holds (see
 * {@code dev.ephemera.testkit.threads.BlockingProbe}).
 *
 * <p>No request waits forever: a gate nobody opens lets its requests through after {@code maxHold}
 * (real time), and records that it did. Thread-safe; one gate may hold many requests.
 */
public final class Gate {
  /** How long a request waits at a gate nobody opens, unless {@link #closed(Duration)} says. */
  public static final Duration DEFAULT_MAX_HOLD = Duration.ofSeconds(30);

  private final Duration maxHold;
  private final CountDownLatch firstArrival = new CountDownLatch(1);
  private final CountDownLatch opened = new CountDownLatch(1);
  private final AtomicInteger arrivals = new AtomicInteger();
  private final AtomicInteger expired = new AtomicInteger();
  private final Set<Thread> holding = ConcurrentHashMap.newKeySet();

  private Gate(Duration maxHold) {
    this.maxHold = maxHold;
  }

  /** {@return a closed gate whose requests wait at most {@link #DEFAULT_MAX_HOLD}} */
  public static Gate closed() {
    return new Gate(DEFAULT_MAX_HOLD);
  }

  /**
   * {@return a closed gate whose requests wait at most {@code maxHold} (real time) for {@link
   * #open()}}
   *
   * @param maxHold the max hold
   */
  public static Gate closed(Duration maxHold) {
    Objects.requireNonNull(maxHold, "maxHold");
    if (maxHold.isNegative() || maxHold.isZero()) {
      throw new IllegalArgumentException("maxHold must be positive: " + maxHold);
    }
    return new Gate(maxHold);
  }

  /**
   * Waits until a request has arrived at this gate (it may already have been let through if the
   * gate is open).
   *
   * @return false if none arrived within {@code timeout}
   * @param timeout the timeout
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean awaitArrival(Duration timeout) throws InterruptedException {
    return firstArrival.await(saturatedNanos(timeout), TimeUnit.NANOSECONDS);
  }

  /** Lets every held request through, and every later one at once. Idempotent. */
  public void open() {
    opened.countDown();
  }

  /** {@return whether {@link #open()} was called} */
  public boolean isOpen() {
    return opened.getCount() == 0;
  }

  /** {@return how many requests have arrived at this gate} */
  public int arrivals() {
    return arrivals.get();
  }

  /**
   * {@return how many requests were let through because nobody opened the gate within {@code
   * maxHold}}
   */
  public int expiredHolds() {
    return expired.get();
  }

  /**
   * {@return whether {@code thread} is an emulator thread waiting at this gate now}
   *
   * @param thread the thread
   */
  public boolean isHolding(Thread thread) {
    return holding.contains(thread);
  }

  /** {@return the emulator threads waiting at this gate now} */
  public Set<Thread> holdingThreads() {
    return Set.copyOf(holding);
  }

  /** Called on the emulator's thread: announces the request, then waits for {@link #open()}. */
  void hold() {
    Thread me = Thread.currentThread();
    holding.add(me);
    try {
      arrivals.incrementAndGet();
      firstArrival.countDown();
      if (!opened.await(saturatedNanos(maxHold), TimeUnit.NANOSECONDS)) {
        expired.incrementAndGet();
      }
    } catch (InterruptedException e) {
      me.interrupt(); // the server is stopping: answer at once
    } finally {
      holding.remove(me);
    }
  }

  private static long saturatedNanos(Duration d) {
    Objects.requireNonNull(d, "timeout");
    try {
      return Math.max(0, d.toNanos());
    } catch (ArithmeticException e) {
      return d.isNegative() ? 0 : Long.MAX_VALUE;
    }
  }

  @Override
  public String toString() {
    return "Gate[" + (isOpen() ? "open" : "closed") + ", arrivals=" + arrivals() + "]";
  }
}
