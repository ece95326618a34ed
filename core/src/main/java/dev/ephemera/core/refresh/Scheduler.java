package dev.ephemera.core.refresh;

import dev.ephemera.core.internal.SharedScheduler;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Where the engine's background work runs: timers, upstream calls and audit delivery.
 *
 * <p>Timed tasks must be quick (they only change state or hand work on); upstream calls run on
 * {@link #workers()}, never on the timer thread; audit listeners run on {@link #auditDelivery()},
 * so a slow listener cannot delay a refresh. {@link #shared()} is one daemon timer thread, a small
 * daemon worker pool and a small daemon audit pool for the whole JVM (a thread per listener busy at
 * the same moment, so a stuck listener delays no other): 10,000 sources add no threads.
 */
public interface Scheduler {

  /** A scheduled task that can be cancelled. */
  @FunctionalInterface
  interface Task {
    /** Cancels the task if it has not run. Idempotent. */
    void cancel();
  }

  /**
   * Runs {@code task} after {@code delay} (immediately if zero or negative; a delay beyond the
   * range of nanoseconds in a long saturates).
   *
   * @param task the task
   * @param delay the delay
   * @return a handle that cancels the task
   */
  Task schedule(Runnable task, Duration delay);

  /** {@return the executor for upstream calls} */
  Executor workers();

  /** {@return the executor that delivers audit events} */
  Executor auditDelivery();

  /** {@return the JVM-wide shared scheduler (daemon threads, started on first use)} */
  static Scheduler shared() {
    return SharedScheduler.instance();
  }

  /**
   * {@return a scheduler on executors the caller owns (and shuts down)}
   *
   * @param timer the timer
   * @param workers the workers
   * @param auditDelivery the audit delivery
   */
  static Scheduler of(ScheduledExecutorService timer, Executor workers, Executor auditDelivery) {
    Objects.requireNonNull(timer, "timer");
    Objects.requireNonNull(workers, "workers");
    Objects.requireNonNull(auditDelivery, "auditDelivery");
    return new Scheduler() {
      @Override
      public Task schedule(Runnable task, Duration delay) {
        // Saturated: a delay of 300 years is "practically never", not an ArithmeticException.
        var future = timer.schedule(task, Math.max(0, Schedule.nanos(delay)), TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
      }

      @Override
      public Executor workers() {
        return workers;
      }

      @Override
      public Executor auditDelivery() {
        return auditDelivery;
      }
    };
  }
}
