package dev.ephemera.vault;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stub "Vault" on loopback that answers chosen paths with hostile bodies, streamed (never held in
 * memory whole): a body that declares a huge length, an endless chunked body, deeply nested JSON.
 * Every streamed answer stops by itself after {@link #MAX_STREAMED} bytes, so a client that does
 * not hang up still ends. Paths it was not told about get 204.
 */
final class HostileVault implements AutoCloseable {
  /** The most one streamed answer sends before the stub gives up by itself. */
  static final long MAX_STREAMED = 256L << 20;

  private static final byte[] CHUNK = filled(64 << 10, (byte) ' ');

  /** What to answer. */
  interface Answer {
    void send(HttpExchange exchange, AtomicLong written) throws IOException;
  }

  private final HttpServer server;
  private final ExecutorService threads = Executors.newFixedThreadPool(2);
  private final Map<String, Answer> answers = new ConcurrentHashMap<>();
  private final AtomicLong written = new AtomicLong();

  HostileVault() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(threads);
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            Answer a = answers.get(exchange.getRequestURI().getPath());
            exchange.getRequestBody().readAllBytes();
            if (a == null) {
              exchange.sendResponseHeaders(204, -1);
            } else {
              a.send(exchange, written);
            }
          } catch (IOException e) {
            // the client hung up: what it was meant to do
          }
        });
    server.start();
  }

  /** {@code http://127.0.0.1:port}. */
  String address() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Answers {@code path} (e.g. {@code /v1/auth/kubernetes/login}) with {@code answer}. */
  HostileVault on(String path, Answer answer) {
    answers.put(path, answer);
    return this;
  }

  /** Bytes of body the stub has written so far (what the socket took; the client read less). */
  long bytesWritten() {
    return written.get();
  }

  /** 200 with {@code json}. */
  static Answer json(String json) {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    return (exchange, written) -> {
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
      written.addAndGet(body.length);
    };
  }

  /**
   * 200 declaring {@code Content-Length: declared}, then streaming spaces until the client goes.
   */
  static Answer declaring(long declared) {
    return (exchange, written) -> {
      exchange.sendResponseHeaders(200, declared);
      stream(exchange, written);
    };
  }

  /** 200, chunked, streaming spaces until the client goes: a body with no end. */
  static Answer endless() {
    return (exchange, written) -> {
      exchange.sendResponseHeaders(200, 0);
      stream(exchange, written);
    };
  }

  /** 200 with a JSON array nested {@code depth} deep, streamed with its length declared. */
  static Answer nested(int depth) {
    return (exchange, written) -> {
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, 2L * depth);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(filled(depth, (byte) '['));
        out.write(filled(depth, (byte) ']'));
      }
      written.addAndGet(2L * depth);
    };
  }

  private static void stream(HttpExchange exchange, AtomicLong written) throws IOException {
    try (OutputStream out = exchange.getResponseBody()) {
      for (long sent = 0; sent < MAX_STREAMED; sent += CHUNK.length) {
        out.write(CHUNK);
        written.addAndGet(CHUNK.length);
      }
    }
  }

  private static byte[] filled(int n, byte b) {
    byte[] a = new byte[n];
    Arrays.fill(a, b);
    return a;
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
