package dev.ephemera.azure;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.util.Context;
import java.net.MalformedURLException;
import java.net.URL;
import reactor.core.publisher.Mono;

/**
 * Lets a test authority be {@code https://127.0.0.1/} (port 443, like production) while the
 * emulator listens elsewhere: requests to 127.0.0.1 without a port are sent to {@code port}. Only
 * loopback is ever rewritten.
 */
final class PortRewritingHttpClient implements HttpClient {
  private final HttpClient delegate;
  private final int port;

  PortRewritingHttpClient(HttpClient delegate, int port) {
    this.delegate = delegate;
    this.port = port;
  }

  @Override
  public Mono<HttpResponse> send(HttpRequest request) {
    return delegate.send(rewrite(request));
  }

  @Override
  public HttpResponse sendSync(HttpRequest request, Context context) {
    return delegate.sendSync(rewrite(request), context);
  }

  private HttpRequest rewrite(HttpRequest request) {
    URL url = request.getUrl();
    if (!url.getHost().equals("127.0.0.1") || url.getPort() != -1) {
      throw new IllegalStateException("this test client only talks to https://127.0.0.1/: " + url);
    }
    try {
      return request.copy().setUrl(new URL("https", "127.0.0.1", port, url.getFile()));
    } catch (MalformedURLException e) {
      throw new IllegalStateException(e);
    }
  }
}
