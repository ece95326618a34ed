package dev.ephemera.vault.internal;

import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.jspecify.annotations.Nullable;

/**
 * The {@link HttpClient} handed to the Vault driver. It delegates every call and remembers, per
 * thread, the status, error body and {@code Retry-After} header of the last response: the driver
 * keeps none of the headers and only some error bodies, and Ephemera needs both to classify a
 * failure and to honour Vault's back-off hint. Only error bodies (status ≥ 400) are kept, and only
 * until {@link #takeLast()}.
 */
public final class RecordingHttpClient extends HttpClient {

  /** One recorded response. */
  record Exchange(
      int status, String errorBody, @Nullable String retryAfter, @Nullable String date) {}

  private final HttpClient delegate;
  private final ThreadLocal<@Nullable Exchange> last = new ThreadLocal<>();

  /** Wraps {@code delegate}. */
  public RecordingHttpClient(HttpClient delegate) {
    this.delegate = delegate;
  }

  /** Clears this thread's record before a call. */
  void reset() {
    last.remove();
  }

  /** This thread's last response, cleared by the read. */
  @Nullable Exchange takeLast() {
    Exchange e = last.get();
    last.remove();
    return e;
  }

  @Override
  public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
      throws IOException, InterruptedException {
    last.remove();
    HttpResponse<T> response = delegate.send(request, handler);
    int status = response.statusCode();
    String body = status >= 400 && response.body() instanceof String s ? s : "";
    last.set(
        new Exchange(
            status,
            body,
            response.headers().firstValue("Retry-After").orElse(null),
            response.headers().firstValue("Date").orElse(null)));
    return response;
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(
      HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    return delegate.sendAsync(request, handler);
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(
      HttpRequest request,
      HttpResponse.BodyHandler<T> handler,
      HttpResponse.PushPromiseHandler<T> pushPromiseHandler) {
    return delegate.sendAsync(request, handler, pushPromiseHandler);
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
}
