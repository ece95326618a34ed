package dev.ephemera.core.audit;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Writes each audit event as one line of JSON ({@link AuditEvent#toJson()}) to an output stream and
 * flushes it. Thread-safe. Closing it closes the stream.
 */
public final class JsonLinesAuditListener implements AuditListener, AutoCloseable {
  private final OutputStream out;
  private final ReentrantLock lock = new ReentrantLock();

  private JsonLinesAuditListener(OutputStream out) {
    this.out = out;
  }

  /**
   * {@return a listener writing to {@code out}}
   *
   * @param out the out
   */
  public static JsonLinesAuditListener to(OutputStream out) {
    return new JsonLinesAuditListener(Objects.requireNonNull(out, "out"));
  }

  @Override
  public void onEvent(AuditEvent event) {
    byte[] line = (event.toJson() + "\n").getBytes(StandardCharsets.UTF_8);
    lock.lock(); // not a monitor: a virtual thread writing here must not pin its carrier
    try {
      out.write(line);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("could not write an audit line", e);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() throws IOException {
    lock.lock();
    try {
      out.close();
    } finally {
      lock.unlock();
    }
  }
}
