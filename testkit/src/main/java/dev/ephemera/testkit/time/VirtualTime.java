package dev.ephemera.testkit.time;

import dev.ephemera.core.refresh.Scheduler;
import dev.ephemera.core.refresh.Ticker;
import dev.ephemera.core.refresh.Timebase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * Time that moves only when a test says so: the clock, the ticker and the scheduler in one object.
 *
 * <p>{@link #advance(Duration)} moves time forward and runs every task that falls due, in due-time
 * order (ties in scheduling order), with the clock and ticker showing each task's due time while it
 * runs. Work handed to {@link Scheduler#workers()} and audit delivery runs inline on the calling
 * thread, so after {@code advance} returns everything that was due has happened: a 12-hour
 * credential lifecycle runs in milliseconds, deterministically, with no sleeping.
 *
 * <p>Jitter is seeded: {@link #random()} hands every source a generator split from {@link #seed()},
 * which is fresh for each instance unless the system property {@value #SEED_PROPERTY} fixes it. A
 * failing test names the seeds it used and how to replay them (see {@link VirtualTimeSeeds}).
 *
 * <p>Thread-safe: other threads may schedule tasks and read the time while a test advances it.
 */
public final class VirtualTime implements Timebase {
  /** The default starting instant. */
  public static final Instant DEFAULT_START = Instant.parse("2026-01-01T00:00:00Z");

  private final Object lock = new Object();
  private final PriorityQueue<Entry> queue = new PriorityQueue<>();
  private final Instant start;
  private final VirtualScheduler scheduler = new VirtualScheduler();
  private final VirtualClock clock = new VirtualClock(ZoneOffset.UTC, true);
  private final VirtualClock upstreamClock = new VirtualClock(ZoneOffset.UTC, false);
  private long nanos; // elapsed virtual time, guarded by lock
  private long wallOffsetNanos; // wall-clock jumps, guarded by lock
  private long sequence; // guarded by lock
  private final long seed;
  private final boolean replayedByProperty;
  private final SplittableRandom seeds; // guarded by lock

  private VirtualTime(Instant start, long seed, boolean replayedByProperty) {
    this.start = start;
    this.seed = seed;
    this.replayedByProperty = replayedByProperty;
    this.seeds = new SplittableRandom(seed);
    used();
  }

  /**
   * {@return virtual time starting at {@link #DEFAULT_START}, its jitter seeded from the system
   * property {@value #SEED_PROPERTY} when set (to replay a run), else from a fresh random seed}
   */
  public static VirtualTime create() {
    return new VirtualTime(DEFAULT_START, defaultSeed(), true);
  }

  /**
   * {@return virtual time starting at {@link #DEFAULT_START} whose jitter comes from {@code seed}}
   *
   * @param seed the jitter seed
   */
  public static VirtualTime create(long seed) {
    return new VirtualTime(DEFAULT_START, seed, false);
  }

  /**
   * {@return virtual time starting at {@code start}, seeded as {@link #create()} is}
   *
   * @param start the first instant
   */
  public static VirtualTime startingAt(Instant start) {
    return new VirtualTime(Objects.requireNonNull(start, "start"), defaultSeed(), true);
  }

  /**
   * {@return virtual time starting at {@code start} whose jitter comes from {@code seed}}
   *
   * @param start the first instant
   * @param seed the jitter seed
   */
  public static VirtualTime startingAt(Instant start, long seed) {
    return new VirtualTime(Objects.requireNonNull(start, "start"), seed, false);
  }

  /** The system property that fixes the seed of every {@link VirtualTime} created without one. */
  public static final String SEED_PROPERTY = "ephemera.testkit.seed";

  private static long defaultSeed() {
    String fixed = System.getProperty(SEED_PROPERTY);
    if (fixed != null && !fixed.isBlank()) {
      try {
        return Long.parseLong(fixed.strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            SEED_PROPERTY + " must be a long, not '" + fixed + "'", e);
      }
    }
    return ThreadLocalRandom.current().nextLong();
  }

  /**
   * {@return the seed behind every jitter this timebase hands out: rerun with it to replay a
   * failure}
   */
  public long seed() {
    return seed;
  }

  /** Notes on this thread that the running test uses this seed, for {@link VirtualTimeSeeds}. */
  private void used() {
    if (replayedByProperty) {
      SeedLog.record(seed);
    }
  }

  /**
   * A generator split from this timebase's seed, one per source built: the sources of one test draw
   * reproducible, independent jitter.
   */
  @Override
  public RandomGenerator random() {
    used();
    synchronized (lock) {
      return seeds.split();
    }
  }

  /** The local wall clock: what the workload under test reads; {@link #jumpWallClock} moves it. */
  @Override
  public Clock clock() {
    return clock;
  }

  /**
   * {@return the upstreams' clock: the same virtual time, but not moved by {@link #jumpWallClock}}
   * Give it to emulators and the OIDC issuer, so a test can put the workload's clock off against
   * theirs.
   */
  public Clock upstreamClock() {
    return upstreamClock;
  }

  @Override
  public Ticker ticker() {
    return this::nanoTime;
  }

  @Override
  public Scheduler scheduler() {
    return scheduler;
  }

  /** {@return the current wall time} */
  public Instant now() {
    return clock.instant();
  }

  /** {@return elapsed virtual time since creation (unaffected by wall-clock jumps)} */
  public Duration elapsed() {
    return Duration.ofNanos(nanoTime());
  }

  /** {@return the ticker's reading} */
  public long nanoTime() {
    synchronized (lock) {
      return nanos;
    }
  }

  /**
   * Moves time forward by {@code duration}, running every task that falls due on the way.
   *
   * @param duration the duration
   * @throws IllegalArgumentException if {@code duration} is negative
   */
  public void advance(Duration duration) {
    Objects.requireNonNull(duration, "duration");
    if (duration.isNegative()) {
      throw new IllegalArgumentException("time only moves forward: " + duration);
    }
    used();
    long target;
    synchronized (lock) {
      target = dueAfter(duration);
    }
    runUntil(target);
  }

  /**
   * Advances to {@code instant} on the wall clock (no-op if it is not in the future).
   *
   * @param instant the instant
   */
  public void advanceTo(Instant instant) {
    Duration d = Duration.between(now(), instant);
    if (!d.isNegative()) {
      advance(d);
    }
  }

  /** Runs the tasks that are due now without moving time. */
  public void runDue() {
    advance(Duration.ZERO);
  }

  /**
   * Jumps the local wall clock ({@link #clock()}) by {@code delta} (either way) without moving the
   * ticker, the {@link #upstreamClock()} or running tasks: an NTP step or a VM resume on the
   * workload's machine. Lifetimes measured on the ticker must not notice.
   *
   * @param delta the delta
   */
  public void jumpWallClock(Duration delta) {
    synchronized (lock) {
      wallOffsetNanos += delta.toNanos();
    }
  }

  /** {@return Tasks scheduled and not yet run or cancelled} */
  public int pendingTasks() {
    synchronized (lock) {
      queue.removeIf(e -> e.cancelled);
      return queue.size();
    }
  }

  /** {@return when the next pending task falls due, or empty} */
  public java.util.Optional<Duration> nextTaskIn() {
    synchronized (lock) {
      // only cancelled tasks ahead of the first live one are dropped: a fleet's worth of pending
      // tasks is not scanned on every call
      Entry head = queue.peek();
      while (head != null && head.cancelled) {
        queue.poll();
        head = queue.peek();
      }
      return head == null
          ? java.util.Optional.empty()
          : java.util.Optional.of(Duration.ofNanos(Math.max(0, head.due - nanos)));
    }
  }

  /**
   * Under lock: now plus {@code delay}, saturated (a 300-year delay is "never", not an overflow).
   */
  private long dueAfter(Duration delay) {
    long d;
    try {
      d = Math.max(0, delay.toNanos());
    } catch (ArithmeticException e) {
      d = delay.isNegative() ? 0 : Long.MAX_VALUE;
    }
    return d > Long.MAX_VALUE - nanos ? Long.MAX_VALUE : nanos + d;
  }

  private void runUntil(long target) {
    while (true) {
      Entry next;
      synchronized (lock) {
        next = queue.peek();
        if (next == null || next.due > target) {
          nanos = Math.max(nanos, target);
          return;
        }
        queue.poll();
        if (next.cancelled) {
          continue;
        }
        nanos = Math.max(nanos, next.due);
      }
      next.task.run();
    }
  }

  private final class VirtualScheduler implements Scheduler {
    private final Executor direct = Runnable::run;

    @Override
    public Task schedule(Runnable task, Duration delay) {
      Objects.requireNonNull(task, "task");
      Entry e;
      synchronized (lock) {
        e = new Entry(dueAfter(delay), sequence++, task);
        queue.add(e);
      }
      return () -> e.cancelled = true;
    }

    @Override
    public Executor workers() {
      return direct;
    }

    @Override
    public Executor auditDelivery() {
      return direct;
    }
  }

  private final class VirtualClock extends Clock {
    private final ZoneId zone;
    private final boolean local;

    VirtualClock(ZoneId zone, boolean local) {
      this.zone = zone;
      this.local = local;
    }

    @Override
    public ZoneId getZone() {
      return zone;
    }

    @Override
    public Clock withZone(ZoneId newZone) {
      return new VirtualClock(newZone, local);
    }

    @Override
    public Instant instant() {
      synchronized (lock) {
        return start.plusNanos(local ? nanos + wallOffsetNanos : nanos);
      }
    }
  }

  private static final class Entry implements Comparable<Entry> {
    final long due;
    final long seq;
    final Runnable task;
    volatile boolean cancelled;

    Entry(long due, long seq, Runnable task) {
      this.due = due;
      this.seq = seq;
      this.task = task;
    }

    @Override
    public int compareTo(Entry o) {
      int c = Long.compare(due, o.due);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }

  /**
   * The current virtual time and the seed, so a failing assertion that prints it can be replayed.
   */
  @Override
  public String toString() {
    return "VirtualTime[now="
        + now()
        + ", seed="
        + seed
        + " (-D"
        + SEED_PROPERTY
        + "="
        + seed
        + ")]";
  }
}
