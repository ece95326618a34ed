package dev.ephemera.core.internal;

import java.io.IOException;
import java.io.Reader;
import org.jspecify.annotations.Nullable;

/**
 * Reads text line by line with a bound on each line: the one line reader of the audit tools. A line
 * longer than the bound is handed over as {@code null} (never buffered whole), so a file of one
 * endless line costs {@code maxChars} of memory, not the file's size. Lines end at {@code \n}; a
 * trailing {@code \r} is kept.
 */
public final class BoundedLines {
  /** Receives each line. */
  @FunctionalInterface
  public interface Handler {
    /**
     * Handles one line.
     *
     * @param number the line's number, from 1
     * @param text the line without its {@code \n}, or {@code null} when it was longer than the
     *     bound
     * @throws IOException to stop reading
     */
    void line(long number, @Nullable String text) throws IOException;
  }

  private BoundedLines() {}

  /**
   * Hands every line of {@code in} to {@code handler}, a last one without {@code \n} included.
   *
   * @param in the text; not closed
   * @param maxChars the longest line handed over whole
   * @param handler receives each line
   * @return how many lines were read
   * @throws IOException if reading fails
   */
  public static long forEach(Reader in, int maxChars, Handler handler) throws IOException {
    StringBuilder line = new StringBuilder(512);
    boolean tooLong = false;
    boolean any = false;
    long number = 0;
    char[] buf = new char[1 << 16];
    for (int n; (n = in.read(buf)) != -1; ) {
      int start = 0;
      for (int i = 0; i < n; i++) {
        if (buf[i] == '\n') {
          if (!tooLong) {
            tooLong = append(line, buf, start, i - start, maxChars);
          }
          handler.line(++number, tooLong ? null : line.toString());
          line.setLength(0);
          tooLong = false;
          any = false;
          start = i + 1;
        }
      }
      if (start < n) {
        any = true;
        if (!tooLong) {
          tooLong = append(line, buf, start, n - start, maxChars);
        }
      }
    }
    if (any) {
      handler.line(++number, tooLong ? null : line.toString());
    }
    return number;
  }

  /** {@return whether the line grew past {@code maxChars} (and was let go)} */
  private static boolean append(StringBuilder line, char[] buf, int from, int len, int maxChars) {
    if (line.length() + len > maxChars) {
      line.setLength(0);
      return true;
    }
    line.append(buf, from, len);
    return false;
  }
}
