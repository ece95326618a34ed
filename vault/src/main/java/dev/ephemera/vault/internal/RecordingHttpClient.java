package dev.ephemera.vault.internal;

import dev.ephemera.core.spi.http.BoundedBody;
import dev.ephemera.core.spi.http.EndpointPolicy;
import dev.ephemera.core.spi.http.WireRecorder;
import java.io.IOException;
import java.io.InputStream;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import org.jspecify.annotations.Nullable;

/**
 * The {@link HttpClient} handed to the Vault driver (Ephemera's own calls and the users' driver
 * alike). The driver reads every answer whole, as a string, and parses it with a recursive JSON
 * parser, so this client reads the answer first, bounded, and hands the driver only what passed:
 *
 * <ul>
 *   <li>at most {@link BoundedBody#DEFAULT_LIMIT} bytes: a longer {@code Content-Length} is refused
 *       before any byte is read, a longer (or endless) body after the limit and one byte, with a
 *       {@link BoundedBody.TooLargeException}; the stream is then closed, which aborts the
 *       exchange;
 *   <li>nesting at most {@link JsonDepth#LIMIT} deep, else a {@link JsonDepth.TooDeepException};
 *   <li>only to endpoints the {@link EndpointPolicy} permits (a user may re-point a driver
 *       configuration).
 * </ul>
 *
 * <p>Each request is recorded through the core {@link WireRecorder} (status, headers, the bounded
 * body of an error answer, the I/O failure), since the driver drops the headers and most error
 * bodies before it throws. Only {@link #send} is supported: the driver is synchronous.
 */
final class RecordingHttpClient extends HttpClient {
  /** How refusals name the body. */
  private static final String WHAT = "Vault's answer";

  private final HttpClient delegate;
  private final WireRecorder recorder;
  private final EndpointPolicy policy;

  /** Wraps {@code delegate}, recording into {@code recorder}, sending only where policy permits. */
  RecordingHttpClient(HttpClient delegate, WireRecorder recorder, EndpointPolicy policy) {
    this.delegate = delegate;
    this.recorder = recorder;
    this.policy = policy;
  }

  @Override
  public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
      throws IOException, InterruptedException {
    recorder.begin(request.uri());
    try {
      String refusal = policy.refusal(request.uri());
      if (refusal != null) {
        throw new IOException("refused to send a request to Vault: the address " + refusal);
      }
      HttpResponse<InputStream> raw =
          delegate.send(request, HttpResponse.BodyHandlers.ofInputStream());
      byte[] body;
      try (InputStream in = raw.body()) {
        OptionalLong declared = declaredLength(raw.headers());
        if (declared.isPresent() && declared.getAsLong() > BoundedBody.DEFAULT_LIMIT) {
          throw new BoundedBody.TooLargeException(WHAT, BoundedBody.DEFAULT_LIMIT);
        }
        body = BoundedBody.read(in, BoundedBody.DEFAULT_LIMIT, WHAT);
      }
      JsonDepth.check(body, WHAT);
      HttpResponse<T> response = new Buffered<>(raw, handOver(handler, raw, body));
      int status = raw.statusCode();
      recorder.responded(
          status,
          raw.headers().map(),
          status >= 400 ? new String(body, StandardCharsets.UTF_8) : null);
      return response;
    } catch (IOException e) {
      recorder.failed(e);
      throw e;
    }
  }

  private static OptionalLong declaredLength(HttpHeaders headers) {
    try {
      return headers.firstValueAsLong("Content-Length");
    } catch (NumberFormatException e) {
      return OptionalLong.empty(); // the body read decides
    }
  }

  /** Runs the driver's body handler over the bytes already read. */
  private static <T> T handOver(
      HttpResponse.BodyHandler<T> handler, HttpResponse<?> raw, byte[] body) throws IOException {
    HttpResponse.BodySubscriber<T> subscriber =
        handler.apply(new Info(raw.statusCode(), raw.headers(), raw.version()));
    subscriber.onSubscribe(new OneShot(subscriber, body));
    try {
      return subscriber.getBody().toCompletableFuture().join();
    } catch (CompletionException e) {
      throw new IOException("the Vault driver could not take the answer", e.getCause());
    }
  }

  /** {@inheritDoc} Refused: the Vault driver calls {@link #send} only. */
  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(
      HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    throw new UnsupportedOperationException("the Vault driver's client is synchronous: use send");
  }

  /** {@inheritDoc} Refused: the Vault driver calls {@link #send} only. */
  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(
      HttpRequest request,
      HttpResponse.BodyHandler<T> handler,
      HttpResponse.PushPromiseHandler<T> pushPromiseHandler) {
    throw new UnsupportedOperationException("the Vault driver's client is synchronous: use send");
  }

  @Override
  public Optional<CookieHandler> cookieHandler() {
    return delegate.cookieHandler();
  }

  @Override
  public Optional<Duration> connectTimeout() {
    return delegate.connectTimeout();
  }

  @Override
  public Redirect followRedirects() {
    return delegate.followRedirects();
  }

  @Override
  public Optional<ProxySelector> proxy() {
    return delegate.proxy();
  }

  @Override
  public SSLContext sslContext() {
    return delegate.sslContext();
  }

  @Override
  public SSLParameters sslParameters() {
    return delegate.sslParameters();
  }

  @Override
  public Optional<Authenticator> authenticator() {
    return delegate.authenticator();
  }

  @Override
  public Version version() {
    return delegate.version();
  }

  @Override
  public Optional<Executor> executor() {
    return delegate.executor();
  }

  /** What the driver's handler is told of the response. */
  private record Info(int statusCode, HttpHeaders headers, Version version)
      implements HttpResponse.ResponseInfo {}

  /** Delivers one buffered body to a subscriber, on its first request. */
  private static final class OneShot implements Flow.Subscription {
    private final Flow.Subscriber<? super List<ByteBuffer>> subscriber;
    private byte @Nullable [] body;

    OneShot(Flow.Subscriber<? super List<ByteBuffer>> subscriber, byte[] body) {
      this.subscriber = subscriber;
      this.body = body;
    }

    @Override
    public void request(long n) {
      byte[] b = body;
      if (b == null) {
        return;
      }
      body = null;
      if (n <= 0) {
        subscriber.onError(new IllegalArgumentException("request(" + n + ")"));
        return;
      }
      if (b.length > 0) {
        subscriber.onNext(List.of(ByteBuffer.wrap(b)));
      }
      subscriber.onComplete();
    }

    @Override
    public void cancel() {
      body = null;
    }
  }

  /** The response with the body the driver's handler made. */
  private static final class Buffered<T> implements HttpResponse<T> {
    private final HttpResponse<InputStream> raw;
    private final T body;

    Buffered(HttpResponse<InputStream> raw, T body) {
      this.raw = raw;
      this.body = body;
    }

    @Override
    public int statusCode() {
      return raw.statusCode();
    }

    @Override
    public HttpRequest request() {
      return raw.request();
    }

    @Override
    public Optional<HttpResponse<T>> previousResponse() {
      return Optional.empty(); // redirects are never followed
    }

    @Override
    public HttpHeaders headers() {
      return raw.headers();
    }

    @Override
    public T body() {
      return body;
    }

    @Override
    public Optional<SSLSession> sslSession() {
      return raw.sslSession();
    }

    @Override
    public URI uri() {
      return raw.uri();
    }

    @Override
    public Version version() {
      return raw.version();
    }

    @Override
    public String toString() {
      return "Buffered[" + raw.statusCode() + " " + raw.uri() + "]";
    }
  }
}
