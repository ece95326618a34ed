package dev.ephemera.examples.demo;

import dev.ephemera.core.refresh.Scheduler;
import dev.ephemera.core.refresh.Ticker;
import dev.ephemera.core.refresh.Timebase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * The demo's time: real time (1x) while the pods start, then sped up once every source holds its
 * first credential. Start-up (class loading, emulators binding their ports, the first round trips)
 * takes real seconds; at 360x each of them would be minutes of credential life, and the engine's 30
 * s acquire timeout would be 83 ms. So the story's clock starts at speed 1 and {@link
 * #setSpeed(double)} switches it, rescheduling every pending timer for the new speed: a timer set
 * for "in 40 minutes" at 1x fires 40 scaled minutes after it was set, whatever the speed since. At
 * the end the demo sets it back to 1x, so that closing (real milliseconds) is not scaled minutes in
 * which refreshes would fall due.
 *
 * <p>Like the testkit's {@code ScaledTime} (which has one fixed speed) it owns its threads; {@link
 * #close()} stops them.
 */
final class DemoTime implements Timebase, AutoCloseable {
  /** Real nanos since creation and scaled nanos at the last change of speed. */
  private record Phase(long realAt, long scaledAt, double speed) {}

  private final long originNanos = System.nanoTime();
  private final Instant start;
  private final ScheduledThreadPoolExecutor timer =
      new ScheduledThreadPoolExecutor(1, daemon("demo-timer"));
  private final ExecutorService workers = Executors.newFixedThreadPool(4, daemon("demo-worker"));
  private final ExecutorService audit = Executors.newSingleThreadExecutor(daemon("demo-audit"));
  private final Set<Pending> pending = new HashSet<>();
  private volatile Phase phase = new Phase(0, 0, 1.0);

  DemoTime(Instant start) {
    this.start = start;
    timer.setRemoveOnCancelPolicy(true);
  }

  /** Scaled nanoseconds since creation; monotonic across changes of speed. */
  long nanoTime() {
    Phase p = phase;
    return p.scaledAt() + (long) ((System.nanoTime() - originNanos - p.realAt()) * p.speed());
  }

  /** The scaled wall time. */
  Instant now() {
    return start.plusNanos(nanoTime());
  }

  /** The current speed-up factor. */
  double speed() {
    return phase.speed();
  }

  /** Real time that corresponds to {@code scaled} at the current speed. */
  Duration toReal(Duration scaled) {
    return Duration.ofNanos((long) (scaled.toNanos() / phase.speed()));
  }

  /** From now on, time runs {@code speed} times faster than real time; pending timers follow. */
  void setSpeed(double speed) {
    if (!(speed >= 1)) {
      throw new IllegalArgumentException("speed must be at least 1: " + speed);
    }
    synchronized (pending) {
      long real = System.nanoTime() - originNanos;
      Phase p = phase;
      long scaled = p.scaledAt() + (long) ((real - p.realAt()) * p.speed());
      phase = new Phase(real, scaled, speed);
      for (Pending t : List.copyOf(pending)) {
        t.arm();
      }
    }
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
        Pending p;
        synchronized (pending) {
          long delayNanos;
          try {
            delayNanos = Math.max(0, delay.toNanos());
          } catch (ArithmeticException e) {
            delayNanos = Long.MAX_VALUE / 2; // "practically never"
          }
          long now = nanoTime();
          long due = now + Math.min(delayNanos, Long.MAX_VALUE / 2 - Math.max(0, now));
          p = new Pending(due, task);
          pending.add(p);
          p.arm();
        }
        return p::cancel;
      }

      @Override
      public java.util.concurrent.Executor workers() {
        return workers;
      }

      @Override
      public java.util.concurrent.Executor auditDelivery() {
        return audit;
      }
    };
  }

  @Override
  public void close() {
    timer.shutdownNow();
    workers.shutdownNow();
    audit.shutdownNow();
  }

  /** A timer due at a scaled moment; armed on the real-time executor for the current speed. */
  private final class Pending {
    private final long dueScaled;
    private final Runnable task;
    private final AtomicBoolean done = new AtomicBoolean();
    private @Nullable ScheduledFuture<?> future; // guarded by pending

    Pending(long dueScaled, Runnable task) {
      this.dueScaled = dueScaled;
      this.task = task;
    }

    /** Under {@code pending}: (re)arms the real-time timer for the current speed. */
    void arm() {
      if (future != null) {
        future.cancel(false);
      }
      long realDelay = (long) (Math.max(0, dueScaled - nanoTime()) / phase.speed());
      try {
        future = timer.schedule(this::fire, realDelay, TimeUnit.NANOSECONDS);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        pending.remove(this); // closed: nothing runs any more
      }
    }

    void fire() {
      if (!done.compareAndSet(false, true)) {
        return;
      }
      synchronized (pending) {
        pending.remove(this);
      }
      task.run();
    }

    void cancel() {
      if (done.compareAndSet(false, true)) {
        synchronized (pending) {
          pending.remove(this);
          if (future != null) {
            future.cancel(false);
          }
        }
      }
    }
  }

  private static ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
