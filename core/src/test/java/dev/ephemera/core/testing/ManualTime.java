package dev.ephemera.core.testing;

import dev.ephemera.core.refresh.Scheduler;
import dev.ephemera.core.refresh.Ticker;
import dev.ephemera.core.refresh.Timebase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * Core's own test time: a clock, a ticker and a scheduler that move only on {@link
 * #advance(Duration)}, which runs every task falling due on the way in due order (ties in the order
 * scheduled), each with the time showing its due moment. Workers and audit delivery run inline, so
 * once {@code advance} returns, everything due has happened. Thread-safe; tasks run outside its
 * lock. (The testkit's {@code VirtualTime} is the product version; core's tests cannot depend on
 * it.)
 *
 * <p>Jitter is seeded as the testkit's is: {@link #random()} splits generators from {@link
 * #seed()}, fresh for each instance unless the property {@value #SEED_PROPERTY} fixes it; a failing
 * test names the seeds it used ({@link ManualTimeSeeds}).
 */
public final class ManualTime implements Timebase {
  /** The testkit's seed property: it fixes the seed of every {@code ManualTime} too. */
  public static final String SEED_PROPERTY = "ephemera.testkit.seed";

  /** The seeds the current thread's test used, for {@link ManualTimeSeeds}. */
  static final ThreadLocal<Set<Long>> USED = ThreadLocal.withInitial(LinkedHashSet::new);

  private record Due(long due, long seq, Runnable job) {}

  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  private static final Executor INLINE = Runnable::run;

  private final TreeSet<Due> tasks =
      new TreeSet<>(Comparator.comparingLong(Due::due).thenComparingLong(Due::seq));
  private long now; // nanoseconds since START, guarded by this
  private long wallShift; // guarded by this
  private long scheduled; // guarded by this
  private final Clock local = new View(true);
  private final Clock upstream = new View(false);
  private final long seed;
  private final SplittableRandom seeds; // guarded by this

  /** Seeded from {@value #SEED_PROPERTY} when set, else freshly. */
  public ManualTime() {
    String fixed = System.getProperty(SEED_PROPERTY, "").strip();
    this.seed = fixed.isEmpty() ? ThreadLocalRandom.current().nextLong() : Long.parseLong(fixed);
    this.seeds = new SplittableRandom(seed);
    USED.get().add(seed);
  }

  /** The seed behind every jitter this timebase hands out. */
  public long seed() {
    return seed;
  }

  /** A generator split from {@link #seed()}, one per source built. */
  @Override
  public synchronized RandomGenerator random() {
    USED.get().add(seed);
    return seeds.split();
  }

  private final Scheduler scheduler =
      new Scheduler() {
        @Override
        public Task schedule(Runnable job, Duration delay) {
          Due t;
          synchronized (ManualTime.this) {
            t = new Due(plus(now, delay), scheduled++, job);
            tasks.add(t);
          }
          return () -> {
            synchronized (ManualTime.this) {
              tasks.remove(t);
            }
          };
        }

        @Override
        public Executor workers() {
          return INLINE;
        }

        @Override
        public Executor auditDelivery() {
          return INLINE;
        }
      };

  /** The workload's wall clock, moved by {@link #jumpWallClock}. */
  @Override
  public Clock clock() {
    return local;
  }

  /** The upstream's wall clock: the same time, never jumped. */
  public Clock upstreamClock() {
    return upstream;
  }

  @Override
  public Ticker ticker() {
    return this::nanoTime;
  }

  @Override
  public Scheduler scheduler() {
    return scheduler;
  }

  public synchronized long nanoTime() {
    return now;
  }

  public synchronized Instant now() {
    return START.plusNanos(now + wallShift);
  }

  /** Tasks scheduled and neither run nor cancelled. */
  public synchronized int pendingTasks() {
    return tasks.size();
  }

  /** Moves the workload's wall clock only (an NTP step): no task runs, the ticker stays. */
  public synchronized void jumpWallClock(Duration by) {
    wallShift += by.toNanos();
  }

  /** Advances to {@code instant} on the workload's clock, if it lies ahead. */
  public void advanceTo(Instant instant) {
    Duration d = Duration.between(now(), instant);
    if (!d.isNegative()) {
      advance(d);
    }
  }

  /** Moves time on by {@code d}, running what falls due, in order. */
  public void advance(Duration d) {
    if (d.isNegative()) {
      throw new IllegalArgumentException("time does not go back: " + d);
    }
    USED.get().add(seed);
    long until;
    synchronized (this) {
      until = plus(now, d);
    }
    while (true) {
      Due next;
      synchronized (this) {
        next = tasks.isEmpty() ? null : tasks.first();
        if (next == null || next.due() > until) {
          now = Math.max(now, until);
          return;
        }
        tasks.remove(next);
        now = Math.max(now, next.due());
      }
      next.job().run();
    }
  }

  /** {@code at + d} in nanoseconds, a negative delay as zero, saturated instead of overflowing. */
  private static long plus(long at, Duration d) {
    if (d.isNegative()) {
      return at;
    }
    long nanos = d.getSeconds() >= Long.MAX_VALUE / 1_000_000_000L ? Long.MAX_VALUE : d.toNanos();
    return nanos > Long.MAX_VALUE - at ? Long.MAX_VALUE : at + nanos;
  }

  private final class View extends Clock {
    private final boolean local;

    View(boolean local) {
      this.local = local;
    }

    @Override
    public Instant instant() {
      synchronized (ManualTime.this) {
        return START.plusNanos(local ? now + wallShift : now);
      }
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
