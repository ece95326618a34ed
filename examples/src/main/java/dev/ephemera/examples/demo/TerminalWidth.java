package dev.ephemera.examples.demo;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The terminal's width in columns, asked again at most once a second (the window may be resized):
 * {@code stty size} on {@code /dev/tty}, else {@code $COLUMNS}, else 80. Not a terminal: 0, which
 * means lines are not cut to a width.
 */
final class TerminalWidth implements IntSupplier {
  private final boolean terminal;
  private final @Nullable String columnsVariable;
  private volatile int width;
  private volatile long askedAt;

  private TerminalWidth(boolean terminal, @Nullable String columnsVariable) {
    this.terminal = terminal;
    this.columnsVariable = columnsVariable;
  }

  /** The width of the terminal the demo runs on, or 0 when it does not run on one. */
  static IntSupplier of(boolean terminal, @Nullable String columnsVariable) {
    return terminal ? new TerminalWidth(true, columnsVariable) : () -> 0;
  }

  @Override
  public int getAsInt() {
    long now = System.nanoTime();
    if (width == 0 || now - askedAt > TimeUnit.SECONDS.toNanos(1)) {
      askedAt = now;
      width = ask();
    }
    return width;
  }

  private int ask() {
    if (terminal) {
      try {
        Process p =
            new ProcessBuilder("stty", "size")
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/tty")))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        if (p.waitFor(1, TimeUnit.SECONDS) && p.exitValue() == 0) {
          String[] parts = text.strip().split("\\s+");
          if (parts.length == 2) {
            int cols = Integer.parseInt(parts[1]);
            if (cols > 0) {
              return cols;
            }
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        // no stty: fall back
      }
    }
    try {
      if (columnsVariable != null && Integer.parseInt(columnsVariable.strip()) > 0) {
        return Integer.parseInt(columnsVariable.strip());
      }
    } catch (NumberFormatException e) {
      // fall back
    }
    return 80;
  }
}
