package dev.ephemera.core.refresh;

/**
 * A monotonic time source in nanoseconds, like {@link System#nanoTime()}; only differences count.
 */
@FunctionalInterface
public interface Ticker {
  /** The current reading, in nanoseconds. */
  long read();

  /** {@link System#nanoTime()}. */
  static Ticker system() {
    return System::nanoTime;
  }
}
