package dev.ephemera.core.refresh;

/**
 * A monotonic time source in nanoseconds, like {@link System#nanoTime()}; only differences count.
 */
@FunctionalInterface
public interface Ticker {
  /** {@return the current reading, in nanoseconds} */
  long read();

  /** {@return {@link System#nanoTime()}} */
  static Ticker system() {
    return System::nanoTime;
  }
}
