package dev.ephemera.aws;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A hostile upstream on loopback: answers every request with a status, a prefix, and then a body
 * that is huge (a declared length it streams in full, unless the client hangs up), endless
 * (chunked, never ending), or stalled (the prefix, then nothing). The body is generated while it is
 * written, never held, and the stub counts what the client let it write.
 */
final class StreamingStub implements AutoCloseable {
  /** How the body goes on after its prefix. */
  enum Body {
    /** Declares {@code Content-Length} of the given size and writes it all. */
    HUGE,
    /** Chunked, never ends. */
    ENDLESS,
    /** Writes the prefix, then nothing until the stub is closed. */
    STALLED
  }

  private static final int CHUNK = 64 * 1024;

  private final HttpServer server;
  private final ExecutorService handlers = Executors.newCachedThreadPool();
  private final AtomicLong written = new AtomicLong();
  private final CountDownLatch answered = new CountDownLatch(1);
  private final CountDownLatch released = new CountDownLatch(1);

  private StreamingStub(int status, String contentType, String prefix, Body body, long size) {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    byte[] head = prefix.getBytes(StandardCharsets.UTF_8);
    byte[] filler = new byte[CHUNK];
    Arrays.fill(filler, (byte) 'A');
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.sendResponseHeaders(status, body == Body.HUGE ? size : 0);
            OutputStream out = exchange.getResponseBody();
            out.write(head);
            out.flush();
            written.addAndGet(head.length);
            if (body == Body.STALLED) {
              released.await();
              return;
            }
            long left = body == Body.HUGE ? size - head.length : Long.MAX_VALUE;
            while (left > 0) {
              int n = (int) Math.min(CHUNK, left);
              out.write(filler, 0, n);
              written.addAndGet(n);
              left -= n;
            }
          } catch (IOException e) {
            // the client hung up: what it refused is what was not written
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } finally {
            answered.countDown();
          }
        });
    server.setExecutor(handlers);
    server.start();
  }

  /** A stub answering {@code status} with {@code prefix} and then {@code body}. */
  static StreamingStub start(
      int status, String contentType, String prefix, Body body, long hugeSize) {
    return new StreamingStub(status, contentType, prefix, body, hugeSize);
  }

  /** The stub's address, e.g. {@code http://127.0.0.1:40123/v1/credentials}. */
  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  /** Bytes the client let the stub write (the socket buffers hold part of it unread). */
  long written() {
    return written.get();
  }

  /**
   * Waits until the first answer stopped being written: it ended, or the client hung up.
   *
   * @return false when it is still being written after {@code timeout} (the client neither read on
   *     nor hung up)
   */
  boolean awaitAnswered(Duration timeout) throws InterruptedException {
    return answered.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    released.countDown();
    server.stop(0);
    handlers.shutdownNow();
  }
}
