package dev.ephemera.core.spi.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The one bounded read of an upstream body (or a token file) for every backend: it reads at most
 * the limit and one byte more, then stops, so a huge or endless body costs the limit in memory and
 * never more. It never drains what is left: the caller closes the stream, which aborts the
 * exchange.
 *
 * <p>Token, metadata and login answers are a few kilobytes; {@link #DEFAULT_LIMIT} leaves room for
 * a hundred times that.
 */
public final class BoundedBody {
  /** The default cap on one upstream body: 1 MiB. */
  public static final int DEFAULT_LIMIT = 1 << 20;

  private static final int CHUNK = 8192;

  private BoundedBody() {}

  /** Thrown when a body is longer than its limit; names the limit, never the content. */
  public static final class TooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The limit in bytes that the body went past. */
    private final int limit;

    /**
     * A body of {@code what} longer than {@code limit} bytes.
     *
     * @param what names the body in the error, e.g. {@code "the STS answer"}
     * @param limit the most bytes to read
     */
    public TooLargeException(String what, int limit) {
      super(what + " is longer than the " + limit + " bytes read from it");
      this.limit = limit;
    }

    /** {@return the limit that was passed} */
    public int limit() {
      return limit;
    }
  }

  /**
   * Reads all of {@code in} up to {@code limit} bytes. Does not close the stream.
   *
   * @param in the stream to read
   * @param limit the most bytes to read
   * @param what names the body in the error, e.g. {@code "the STS answer"}
   * @return the bytes read
   * @throws TooLargeException after reading {@code limit + 1} bytes
   * @throws IOException from the stream
   */
  public static byte[] read(InputStream in, int limit, String what) throws IOException {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must not be negative: " + limit);
    }
    byte[] buf = new byte[Math.min(CHUNK, limit + 1)];
    int n = 0;
    while (true) {
      if (n == buf.length) {
        if (n > limit) {
          throw new TooLargeException(what, limit);
        }
        buf = Arrays.copyOf(buf, (int) Math.min((long) limit + 1, 2L * buf.length));
      }
      int r = in.read(buf, n, buf.length - n);
      if (r < 0) {
        return n == buf.length ? buf : Arrays.copyOf(buf, n);
      }
      n += r;
    }
  }

  /**
   * {@return {@link #read} decoded as UTF-8 (malformed input replaced, never thrown)}
   *
   * @param in the stream to read
   * @param limit the most bytes to read
   * @param what names the body in the error, e.g. {@code "the STS answer"}
   * @throws IOException if reading fails, or {@link TooLargeException} past {@code limit}
   */
  public static String readUtf8(InputStream in, int limit, String what) throws IOException {
    return new String(read(in, limit, what), StandardCharsets.UTF_8);
  }
}
