package dev.ephemera.azure;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.ephemera.testkit.emulator.LoopbackTls;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A hostile Entra token endpoint on loopback HTTPS (the testkit's loopback certificate, since MSAL
 * accepts only https): it streams a body of the chosen size, or one that never ends, and counts
 * what it managed to write. The body is generated as it is written, never held. Each answer stops
 * by itself: when the client hangs up, after {@link #MAX_BYTES}, or after {@link #MAX_SECONDS}.
 */
final class StubEntra implements AutoCloseable {
  /** The most any answer writes, however hostile. */
  static final long MAX_BYTES = 1L << 30;

  /** The longest any answer runs. */
  static final long MAX_SECONDS = 30;

  private static final int CHUNK = 16 * 1024;

  /** What the token endpoint answers. */
  enum Answer {
    /** 200 with a declared {@code Content-Length} of {@link #length}, and that many bytes. */
    DECLARED,
    /** 200, chunked, {@link #length} bytes. */
    CHUNKED,
    /** 200, chunked, never ending. */
    ENDLESS,
    /** 400, chunked, never ending: an error body is bounded too. */
    ENDLESS_ERROR
  }

  private final HttpsServer server;
  private final ExecutorService handlers = Executors.newCachedThreadPool();
  private final AtomicLong written = new AtomicLong();
  private final CountDownLatch answered = new CountDownLatch(1);
  private final Answer answer;
  private final long length;

  StubEntra(Answer answer, long length) {
    this.answer = answer;
    this.length = length;
    try {
      server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setHttpsConfigurator(new HttpsConfigurator(tls()));
    server.setExecutor(handlers);
    server.createContext("/", this::handle);
    server.start();
  }

  /** The authority host to configure: {@code https://127.0.0.1:port/}. */
  String authorityHost() {
    return "https://127.0.0.1:" + server.getAddress().getPort() + "/";
  }

  /** Bytes of body written before the answer ended. */
  long written() {
    return written.get();
  }

  /** Waits (bounded) until the token answer has ended, and says whether it did. */
  boolean awaitAnswered(long seconds) throws InterruptedException {
    return answered.await(seconds, TimeUnit.SECONDS);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      exchange.getRequestBody().readAllBytes();
      if (!exchange.getRequestURI().getPath().endsWith("/oauth2/v2.0/token")) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      try {
        stream(exchange);
      } finally {
        answered.countDown();
      }
    }
  }

  private void stream(HttpExchange exchange) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    int status = answer == Answer.ENDLESS_ERROR ? 400 : 200;
    boolean endless = answer == Answer.ENDLESS || answer == Answer.ENDLESS_ERROR;
    exchange.sendResponseHeaders(status, answer == Answer.DECLARED ? length : 0);
    long total = endless ? MAX_BYTES : Math.min(length, MAX_BYTES);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(MAX_SECONDS);
    byte[] open = "{\"error_description\":\"".getBytes(StandardCharsets.US_ASCII);
    byte[] filler = new byte[CHUNK];
    Arrays.fill(filler, (byte) 'a');
    OutputStream out = exchange.getResponseBody();
    try {
      out.write(open);
      written.addAndGet(open.length);
      for (long sent = open.length; sent < total && System.nanoTime() < deadline; ) {
        int n = (int) Math.min(filler.length, total - sent);
        out.write(filler, 0, n);
        sent += n;
        written.addAndGet(n);
      }
      out.flush();
    } catch (IOException e) {
      // the client hung up: what it was meant to do
    }
  }

  private static SSLContext tls() {
    try {
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(LoopbackTls.keyStore(), LoopbackTls.PASSWORD.toCharArray());
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), null, null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    handlers.shutdownNow();
  }
}
