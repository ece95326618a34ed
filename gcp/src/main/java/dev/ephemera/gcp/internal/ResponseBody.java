package dev.ephemera.gcp.internal;

import dev.ephemera.core.spi.http.BoundedBody;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.apache.http.Header;
import org.apache.http.HttpEntity;
import org.jspecify.annotations.Nullable;

/**
 * Reads one response body before google-http-client sees it, so that what the library parses is
 * bounded: through core's {@link BoundedBody} (at most the limit and one byte, never drained), a
 * declared {@code Content-Length} above the limit refused before a byte is read, the whole body
 * within a deadline (a socket timeout bounds each read, not a body that trickles), and a gzip body
 * decoded here under the same limit (google-http-client would inflate it unbounded).
 */
final class ResponseBody {
  private ResponseBody() {}

  /** Thrown when a body cannot be decoded as its {@code Content-Encoding} says. */
  static final class UndecodableException extends IOException {
    private static final long serialVersionUID = 1L;

    UndecodableException(String message) {
      super(message);
    }
  }

  /** Whether {@code entity} is gzip-encoded (the one encoding google-http-client decodes). */
  static boolean isGzip(@Nullable HttpEntity entity) {
    Header encoding = entity == null ? null : entity.getContentEncoding();
    if (encoding == null || encoding.getValue() == null) {
      return false;
    }
    String e = encoding.getValue().strip().toLowerCase(Locale.ROOT);
    return e.equals("gzip") || e.equals("x-gzip");
  }

  /**
   * The body, decoded when gzip-encoded. Does not close the stream: at the end of a body that was
   * read whole the connection is already released; on a failure the caller aborts the request.
   *
   * @param deadlineNanos the {@link System#nanoTime()} by which the body must have arrived
   * @throws BoundedBody.TooLargeException when the body (declared, sent or inflated) is longer
   * @throws SocketTimeoutException when the body is still arriving at the deadline
   * @throws UndecodableException when a gzip body is not gzip
   */
  static byte[] read(@Nullable HttpEntity entity, int limit, long deadlineNanos, String what)
      throws IOException {
    if (entity == null) {
      return new byte[0];
    }
    if (entity.getContentLength() > limit) {
      throw new BoundedBody.TooLargeException(what, limit);
    }
    InputStream content = entity.getContent();
    if (content == null) {
      return new byte[0];
    }
    byte[] bytes = BoundedBody.read(new Deadline(content, deadlineNanos), limit, what);
    if (!isGzip(entity)) {
      return bytes;
    }
    try (InputStream inflated = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
      return BoundedBody.read(inflated, limit, what + " (inflated)");
    } catch (ZipException | EOFException e) {
      throw new UndecodableException(what + " says it is gzip but is not");
    }
  }

  /** A stream that refuses to go on reading past a deadline. */
  private static final class Deadline extends FilterInputStream {
    private final long deadlineNanos;

    Deadline(InputStream in, long deadlineNanos) {
      super(in);
      this.deadlineNanos = deadlineNanos;
    }

    private void check() throws SocketTimeoutException {
      if (System.nanoTime() - deadlineNanos > 0) {
        throw new SocketTimeoutException("the body was still arriving at the read timeout");
      }
    }

    @Override
    public int read() throws IOException {
      check();
      return super.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      check();
      return super.read(b, off, len);
    }
  }
}
