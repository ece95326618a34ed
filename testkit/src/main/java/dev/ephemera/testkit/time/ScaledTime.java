package dev.ephemera.testkit.time;

import dev.ephemera.core.refresh.Scheduler;
import dev.ephemera.core.refresh.Ticker;
import dev.ephemera.core.refresh.Timebase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Real time sped up by a factor: an hour of credential life in a minute at speed 60. For demos;
 * tests should use {@link VirtualTime}. Owns its threads: {@link #close()} stops them.
 */
public final class ScaledTime implements Timebase, AutoCloseable {
  private final double speed;
  private final long originNanos = System.nanoTime();
  private final Instant start;
  private final ScheduledThreadPoolExecutor timer =
      new ScheduledThreadPoolExecutor(1, daemon("scaled-timer"));
  private final ExecutorService workers = Executors.newFixedThreadPool(4, daemon("scaled-worker"));
  // A thread per busy listener, as on the shared scheduler: a stuck listener delays no other.
  private final ExecutorService audit = Executors.newCachedThreadPool(daemon("scaled-audit"));

  private ScaledTime(Instant start, double speed) {
    this.start = start;
    this.speed = speed;
    timer.setRemoveOnCancelPolicy(true);
  }

  /**
   * {@return time starting at {@code start} and running {@code speed} times faster than real time}
   *
   * @param start the first instant
   * @param speed the speed
   * @throws IllegalArgumentException if {@code speed} is not positive
   */
  public static ScaledTime of(Instant start, double speed) {
    if (!(speed > 0)) {
      throw new IllegalArgumentException("speed must be positive: " + speed);
    }
    return new ScaledTime(start, speed);
  }

  /** {@return the speed-up factor} */
  public double speed() {
    return speed;
  }

  /** {@return scaled nanoseconds since creation} */
  public long nanoTime() {
    return (long) ((System.nanoTime() - originNanos) * speed);
  }

  /** {@return the scaled wall time} */
  public Instant now() {
    return start.plusNanos(nanoTime());
  }

  @Override
  public Clock clock() {
    return new Clock() {
      @Override
      public ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return now();
      }
    };
  }

  @Override
  public Ticker ticker() {
    return this::nanoTime;
  }

  @Override
  public Scheduler scheduler() {
    return new Scheduler() {
      @Override
      public Task schedule(Runnable task, Duration delay) {
        long real = (long) (Math.max(0, delay.toNanos()) / speed);
        var f = timer.schedule(task, real, TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
      }

      @Override
      public Executor workers() {
        return workers;
      }

      @Override
      public Executor auditDelivery() {
        return audit;
      }
    };
  }

  /**
   * {@return real time that corresponds to {@code scaled}}
   *
   * @param scaled the scaled
   */
  public Duration toReal(Duration scaled) {
    return Duration.ofNanos((long) (scaled.toNanos() / speed));
  }

  @Override
  public void close() {
    timer.shutdownNow();
    workers.shutdownNow();
    audit.shutdownNow();
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
