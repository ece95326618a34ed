package dev.ephemera.aws.internal;

import dev.ephemera.core.spi.http.BoundedBody;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * One {@code GET} to the EKS Pod Identity agent over {@code java.net.http}, bounded in size and in
 * time: the body is read through core's {@link BoundedBody} (at most {@link
 * BoundedBody#DEFAULT_LIMIT}, the stream then closed, which aborts the exchange), and the whole
 * answer, headers and body, must arrive within the read timeout. {@code java.net.http}'s request
 * timeout stops at the headers; the body's share is enforced here by closing the stream at the
 * deadline, which wakes a read blocked on a stalled agent.
 *
 * <p>Clients are shared per connect timeout (it is a client setting in {@code java.net.http}), so
 * every source in the JVM with the same settings shares one client and its one selector thread. No
 * proxy (the agent is link-local), no redirects, HTTP/1.1.
 */
final class AgentHttp {
  private static final ConcurrentMap<Duration, HttpClient> CLIENTS = new ConcurrentHashMap<>();

  private final HttpClient client;
  private final Duration readTimeout;
  private final int limit;

  /** What the agent answered: status, headers and the bounded body. */
  record Answer(int status, HttpHeaders headers, byte[] body) {}

  AgentHttp(Duration connectTimeout, Duration readTimeout, int limit) {
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    this.client = CLIENTS.computeIfAbsent(connectTimeout, AgentHttp::newClient);
    this.readTimeout = Objects.requireNonNull(readTimeout, "readTimeout");
    this.limit = limit;
  }

  /** The read timeout: the most one answer may take, headers and body. */
  Duration readTimeout() {
    return readTimeout;
  }

  /**
   * Sends {@code request} (built without a timeout: this sets it) and reads the answer.
   *
   * @param what names the body in errors, e.g. {@code "the answer of the agent at ..."}
   * @throws HttpTimeoutException when no answer came within the read timeout (or no connection
   *     within the connect timeout: {@link java.net.http.HttpConnectTimeoutException})
   * @throws BoundedBody.TooLargeException when the body is longer than the limit
   * @throws IOException when the exchange failed
   */
  Answer get(HttpRequest.Builder request, String what) throws IOException, InterruptedException {
    long start = System.nanoTime();
    HttpResponse<InputStream> response =
        client.send(
            request.timeout(readTimeout).build(), HttpResponse.BodyHandlers.ofInputStream());
    InputStream in = response.body();
    long left = saturatedNanos(readTimeout) - (System.nanoTime() - start);
    CompletableFuture<Void> deadline =
        new CompletableFuture<Void>().orTimeout(Math.max(0, left), TimeUnit.NANOSECONDS);
    deadline.whenComplete(
        (ok, late) -> {
          if (late != null) {
            closeQuietly(in);
          }
        });
    try {
      byte[] body = BoundedBody.read(in, limit, what);
      return new Answer(response.statusCode(), response.headers(), body);
    } catch (BoundedBody.TooLargeException e) {
      throw e;
    } catch (IOException e) {
      if (deadline.isCompletedExceptionally()) {
        HttpTimeoutException late =
            new HttpTimeoutException(what + " did not end within " + readTimeout);
        late.initCause(e);
        throw late;
      }
      throw e;
    } finally {
      deadline.complete(null); // cancels the timer
      in.close();
    }
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException e) {
      // the reader sees the close; nothing else to do
    }
  }

  private static HttpClient newClient(Duration connectTimeout) {
    return HttpClient.newBuilder()
        .proxy(HttpClient.Builder.NO_PROXY)
        .followRedirects(HttpClient.Redirect.NEVER)
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(connectTimeout)
        .build();
  }

  /**
   * A user's timeout in nanoseconds, saturated: {@code Duration.toNanos()} throws past ~292 years.
   */
  private static long saturatedNanos(java.time.Duration d) {
    return d.compareTo(java.time.Duration.ofNanos(Long.MAX_VALUE)) >= 0
        ? Long.MAX_VALUE
        : d.toNanos();
  }
}
