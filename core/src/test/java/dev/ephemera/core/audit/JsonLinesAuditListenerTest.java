package dev.ephemera.core.audit;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ephemera.core.internal.Json;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class JsonLinesAuditListenerTest {

  private static final Instant TIME = Instant.parse("2030-01-01T00:00:00Z");
  private static final AuditHost HOST = new AuditHost("h", "", "", 1);

  private static AuditEvent event(String id) {
    return AuditEvent.builder(AuditEventType.ISSUED, AuditOutcome.SUCCESS)
        .id(id)
        .time(TIME)
        .source("line\nbreak \u2028 source")
        .host(HOST)
        .build();
  }

  /** Records what had been written each time the stream was flushed. */
  static final class FlushRecordingStream extends OutputStream {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final List<String> flushedContent = new ArrayList<>();
    boolean closed;

    @Override
    public void write(int b) {
      bytes.write(b);
    }

    @Override
    public void flush() {
      flushedContent.add(bytes.toString(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  /** Forwards one byte at a time, so unsynchronized writers would interleave. */
  static final class BytewiseStream extends FilterOutputStream {
    BytewiseStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      Thread.yield();
      super.write(b);
    }
  }

  private static List<String> lines(String text) {
    assertThat(text).endsWith("\n");
    return List.of(text.substring(0, text.length() - 1).split("\n", -1));
  }

  @Test
  void onEvent_writesExactlyOneLineOfJsonPerEvent() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    JsonLinesAuditListener listener = JsonLinesAuditListener.to(out);

    listener.onEvent(event("a"));
    listener.onEvent(event("b"));
    listener.onEvent(event("c"));

    List<String> lines = lines(out.toString(StandardCharsets.UTF_8));
    assertThat(lines).hasSize(3);
    assertThat(lines).extracting(l -> Json.parseObject(l).get("id")).containsExactly("a", "b", "c");
  }

  @Test
  void onEvent_writesTheEventsToJson() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    AuditEvent event = event("x");

    JsonLinesAuditListener.to(out).onEvent(event);

    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(event.toJson() + "\n");
  }

  @Test
  void onEvent_writesUtf8() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    AuditEvent event =
        AuditEvent.builder(AuditEventType.SECRET_READ, AuditOutcome.SUCCESS)
            .time(TIME)
            .source("ünïcödé 😀")
            .host(HOST)
            .build();

    JsonLinesAuditListener.to(out).onEvent(event);

    Map<String, Object> parsed =
        Json.parseObject(new String(out.toByteArray(), StandardCharsets.UTF_8).strip());
    assertThat(parsed).containsEntry("source", "ünïcödé 😀");
  }

  @Test
  void onEvent_flushesAfterEveryCompleteLine() {
    FlushRecordingStream out = new FlushRecordingStream();
    JsonLinesAuditListener listener = JsonLinesAuditListener.to(out);

    listener.onEvent(event("a"));
    listener.onEvent(event("b"));

    assertThat(out.flushedContent).hasSize(2);
    assertThat(out.flushedContent.get(0)).isEqualTo(event("a").toJson() + "\n");
    assertThat(out.flushedContent.get(1))
        .isEqualTo(event("a").toJson() + "\n" + event("b").toJson() + "\n");
  }

  @Test
  void onEvent_whenTheStreamFails_throwsUncheckedIoException() {
    OutputStream broken =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            throw new IOException("disk full");
          }
        };

    assertThatThrownBy(() -> JsonLinesAuditListener.to(broken).onEvent(event("a")))
        .isInstanceOf(UncheckedIOException.class)
        .hasCauseInstanceOf(IOException.class);
  }

  @Test
  void close_closesTheStream() throws IOException {
    FlushRecordingStream out = new FlushRecordingStream();

    JsonLinesAuditListener.to(out).close();

    assertThat(out.closed).isTrue();
  }

  @Test
  void to_rejectsANullStream() {
    assertThatThrownBy(() -> JsonLinesAuditListener.to(nullStream()))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("out");
  }

  @Test
  void concurrentWriters_neverInterleaveLines() throws Exception {
    int threads = 4;
    int perThread = 50;
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    JsonLinesAuditListener listener = JsonLinesAuditListener.to(new BytewiseStream(sink));
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < perThread; i++) {
                    listener.onEvent(event(thread + "-" + i));
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get(30, SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    List<String> lines = lines(sink.toString(StandardCharsets.UTF_8));
    assertThat(lines).hasSize(threads * perThread);
    Set<Object> ids = new HashSet<>();
    for (String line : lines) {
      ids.add(Json.parseObject(line).get("id"));
    }
    assertThat(ids).hasSize(threads * perThread);
  }

  @SuppressWarnings("NullAway")
  private static OutputStream nullStream() {
    return null;
  }
}
