package dev.ephemera.core.audit;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Writes each audit event as one line of JSON ({@link AuditEvent#toJson()}) to an output stream and
 * flushes it. Thread-safe. Closing it closes the stream.
 */
public final class JsonLinesAuditListener implements AuditListener, AutoCloseable {
  private final OutputStream out;

  private JsonLinesAuditListener(OutputStream out) {
    this.out = out;
  }

  /** A listener writing to {@code out}. */
  public static JsonLinesAuditListener to(OutputStream out) {
    return new JsonLinesAuditListener(Objects.requireNonNull(out, "out"));
  }

  @Override
  public void onEvent(AuditEvent event) {
    byte[] line = (event.toJson() + "\n").getBytes(StandardCharsets.UTF_8);
    synchronized (out) {
      try {
        out.write(line);
        out.flush();
      } catch (IOException e) {
        throw new UncheckedIOException("could not write an audit line", e);
      }
    }
  }

  @Override
  public void close() throws IOException {
    synchronized (out) {
      out.close();
    }
  }
}
