package dev.ephemera.core.refresh;

import java.time.Clock;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * The time a source lives on: a wall {@link Clock} (for stated expiries and display), a monotonic
 * {@link Ticker} (for every lifetime measurement) and a {@link Scheduler}. Tests pass a virtual one
 * (see ephemera-testkit's {@code VirtualTime}); production uses {@link #system()}.
 */
public interface Timebase {

  /** {@return the wall clock} */
  Clock clock();

  /** {@return the monotonic ticker} */
  Ticker ticker();

  /** {@return the scheduler} */
  Scheduler scheduler();

  /**
   * {@return the random source behind the jitter of one source, asked once per source built} The
   * default is a fresh generator each time; a test timebase hands out generators split from one
   * seed, so that a run can be replayed and no test depends on luck.
   */
  default RandomGenerator random() {
    return new SplittableRandom();
  }

  /** {@return the system UTC clock, {@link System#nanoTime()} and {@link Scheduler#shared()}} */
  static Timebase system() {
    return of(Clock.systemUTC(), Ticker.system(), Scheduler.shared());
  }

  /**
   * {@return a timebase of the given parts}
   *
   * @param clock the clock it runs on
   * @param ticker the ticker
   * @param scheduler the scheduler
   */
  static Timebase of(Clock clock, Ticker ticker, Scheduler scheduler) {
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(ticker, "ticker");
    Objects.requireNonNull(scheduler, "scheduler");
    return new Timebase() {
      @Override
      public Clock clock() {
        return clock;
      }

      @Override
      public Ticker ticker() {
        return ticker;
      }

      @Override
      public Scheduler scheduler() {
        return scheduler;
      }
    };
  }
}
