package dev.ephemera.gcp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A hostile HTTP/1.1 server on loopback, below what WireMock lets a test say: it answers every
 * request with a fixed head and then a body from a {@link Body} that may never end. It streams the
 * body (nothing is allocated up front), counts the body bytes it got onto the wire, and notes when
 * the client went away. Every body stops by itself after {@link #CAP} bytes or {@link #MAX_TIME},
 * so a client that drains instead of closing costs a bounded run, never a hung build.
 */
final class RawHttpStub implements AutoCloseable {
  static final long CAP = 256L << 20;
  static final Duration MAX_TIME = Duration.ofSeconds(30);

  /** Writes a body; {@code sent} counts what reached the socket. */
  interface Body {
    void write(OutputStream out, AtomicLong sent, long stopAtNanos) throws IOException;
  }

  private final ServerSocket server;
  private final String head;
  private final Body body;
  private final AtomicLong sent = new AtomicLong();
  private final CountDownLatch firstDone = new CountDownLatch(1);
  private final Thread acceptor;

  private RawHttpStub(String head, Body body) {
    this.head = head;
    this.body = body;
    try {
      this.server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.acceptor = new Thread(this::serve, "raw-http-stub");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /**
   * A server answering with {@code statusLine} and {@code headers} (each {@code Name: value}) and
   * then {@code body}.
   */
  static RawHttpStub start(String statusLine, Body body, String... headers) {
    StringBuilder h = new StringBuilder(statusLine).append("\r\n");
    for (String header : headers) {
      h.append(header).append("\r\n");
    }
    h.append("Connection: close\r\n\r\n");
    return new RawHttpStub(h.toString(), body);
  }

  /** An endless chunked body of {@code x}s, as fast as the client takes it. */
  static Body endlessChunked() {
    byte[] chunk = chunk(8192);
    return (out, sent, stopAt) -> {
      while (sent.get() < CAP && System.nanoTime() - stopAt < 0) {
        out.write(chunk);
        sent.addAndGet(chunk.length);
      }
    };
  }

  /** An endless body of {@code x}s without framing (for a head that declares a length). */
  static Body endlessRaw() {
    byte[] block = new byte[8192];
    java.util.Arrays.fill(block, (byte) 'x');
    return (out, sent, stopAt) -> {
      while (sent.get() < CAP && System.nanoTime() - stopAt < 0) {
        out.write(block);
        sent.addAndGet(block.length);
      }
    };
  }

  /** A chunked body of {@code size}-byte chunks, one every {@code every}: a body that trickles. */
  static Body trickle(int size, Duration every) {
    byte[] chunk = chunk(size);
    return (out, sent, stopAt) -> {
      while (sent.get() < CAP && System.nanoTime() - stopAt < 0) {
        out.write(chunk);
        out.flush();
        sent.addAndGet(chunk.length);
        try {
          Thread.sleep(every.toMillis()); // the server's pace, not the test's
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    };
  }

  /** Exactly {@code bytes}, then the end of the body. */
  static Body fixed(byte[] bytes) {
    return (out, sent, stopAt) -> {
      out.write(bytes);
      sent.addAndGet(bytes.length);
    };
  }

  private static byte[] chunk(int size) {
    byte[] prefix = (Integer.toHexString(size) + "\r\n").getBytes(StandardCharsets.US_ASCII);
    byte[] c = new byte[prefix.length + size + 2];
    System.arraycopy(prefix, 0, c, 0, prefix.length);
    java.util.Arrays.fill(c, prefix.length, prefix.length + size, (byte) 'x');
    c[c.length - 2] = '\r';
    c[c.length - 1] = '\n';
    return c;
  }

  /** {@code 127.0.0.1:port}. */
  String hostAndPort() {
    return "127.0.0.1:" + server.getLocalPort();
  }

  /** The body bytes written to the socket so far, over every connection. */
  long bodyBytesSent() {
    return sent.get();
  }

  /**
   * Waits (bounded) until the first connection's body ended: the client closed it, or the body ran
   * out. Returns whether it ended within {@code within}.
   */
  boolean awaitFirstBodyEnded(Duration within) throws InterruptedException {
    return firstDone.await(within.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void serve() {
    while (!server.isClosed()) {
      try (Socket s = server.accept()) {
        s.setSoTimeout(5_000);
        readHead(s.getInputStream());
        OutputStream out = s.getOutputStream();
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        body.write(out, sent, System.nanoTime() + MAX_TIME.toNanos());
        out.flush();
      } catch (IOException e) {
        // the client went away (what the tests want to see), or the server was closed
      } finally {
        firstDone.countDown();
      }
    }
  }

  /** Reads the request head (bounded); the requests in these tests have no body. */
  private static void readHead(InputStream in) throws IOException {
    int matched = 0;
    for (int n = 0; n < 64 * 1024; n++) {
      int b = in.read();
      if (b < 0) {
        return;
      }
      matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
      if (matched == 4) {
        return;
      }
    }
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      // closing a test server
    }
    acceptor.interrupt();
  }
}
