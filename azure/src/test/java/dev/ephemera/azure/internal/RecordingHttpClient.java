package dev.ephemera.azure.internal;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.util.Context;
import java.util.List;
import reactor.core.publisher.Mono;

/** An azure-core client that records the host:port of every request it is asked to send. */
final class RecordingHttpClient implements HttpClient {
  private final HttpClient delegate;
  private final List<String> hosts;

  RecordingHttpClient(HttpClient delegate, List<String> hosts) {
    this.delegate = delegate;
    this.hosts = hosts;
  }

  @Override
  public Mono<HttpResponse> send(HttpRequest request) {
    record(request);
    return delegate.send(request);
  }

  @Override
  public HttpResponse sendSync(HttpRequest request, Context context) {
    record(request);
    return delegate.sendSync(request, context);
  }

  private synchronized void record(HttpRequest request) {
    hosts.add(request.getUrl().getHost() + ":" + request.getUrl().getPort());
  }
}
