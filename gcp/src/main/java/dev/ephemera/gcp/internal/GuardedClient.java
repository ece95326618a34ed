package dev.ephemera.gcp.internal;

import dev.ephemera.core.spi.http.EndpointPolicy;
import dev.ephemera.core.spi.http.WireRecorder;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.http.Header;
import org.apache.http.HttpEntity;
import org.apache.http.HttpHost;
import org.apache.http.HttpRequest;
import org.apache.http.client.ClientProtocolException;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpRequestBase;
import org.apache.http.client.utils.URIUtils;
import org.apache.http.conn.ClientConnectionManager;
import org.apache.http.entity.ByteArrayEntity;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.params.HttpParams;
import org.apache.http.protocol.HttpContext;
import org.jspecify.annotations.Nullable;

/**
 * The Apache client that google-http-client's {@code ApacheHttpTransport} sends through: a
 * decorator of the shared, configured client that, for every request the library makes,
 *
 * <ul>
 *   <li>routes it (the metadata host to the configured origin, IAM to the configured endpoint), and
 *       refuses a metadata host that no route names, so the library never reaches a default Google
 *       address this identity was not told to use;
 *   <li>checks the routed URL against the {@link EndpointPolicy};
 *   <li>applies our timeouts, whatever the library asked for;
 *   <li>reads the body through {@link ResponseBody} (bounded, within the read timeout, aborted
 *       instead of drained) and hands the library the bytes;
 *   <li>records status, headers, the error body and any I/O failure with the {@link WireRecorder}.
 * </ul>
 */
final class GuardedClient extends CloseableHttpClient {
  /** The most of an error body that is read: Google's error answers are a few hundred bytes. */
  static final int ERROR_BODY_LIMIT = 16 * 1024;

  /** Thrown instead of sending a request that the endpoint policy or the routes refuse. */
  static final class RefusedException extends IOException {
    private static final long serialVersionUID = 1L;

    RefusedException(String message) {
      super(message);
    }
  }

  private final CloseableHttpClient delegate;
  private final Routes routes;
  private final EndpointPolicy policy;
  private final RequestConfig config;
  private final long readTimeoutNanos;
  private final int successLimit;
  private final WireRecorder recorder;

  GuardedClient(
      CloseableHttpClient delegate,
      Routes routes,
      EndpointPolicy policy,
      RequestConfig config,
      long readTimeoutNanos,
      int successLimit,
      WireRecorder recorder) {
    this.delegate = delegate;
    this.routes = routes;
    this.policy = policy;
    this.config = config;
    this.readTimeoutNanos = readTimeoutNanos;
    this.successLimit = successLimit;
    this.recorder = recorder;
  }

  @Override
  protected CloseableHttpResponse doExecute(
      @Nullable HttpHost target, HttpRequest request, @Nullable HttpContext context)
      throws IOException {
    if (!(request instanceof HttpRequestBase base)) {
      throw new ClientProtocolException("not a request google-http-client makes: " + request);
    }
    URI asked = base.getURI();
    URI uri = routes.route(asked);
    recorder.begin(uri);
    try {
      refuseUnlessPermitted(asked, uri);
      base.setURI(uri);
      base.setConfig(config);
      CloseableHttpResponse response = delegate.execute(URIUtils.extractHost(uri), base, context);
      return withBoundedBody(base, uri, response);
    } catch (IOException e) {
      recorder.failed(e);
      throw e;
    }
  }

  private void refuseUnlessPermitted(URI asked, URI uri) throws RefusedException {
    if (routes.originFor(asked) == null && Proxies.isMetadataHost(asked.getHost())) {
      throw new RefusedException(
          "refusing a request to the metadata server at "
              + asked.getHost()
              + ": this identity is not configured to use it");
    }
    String why = policy.refusal(uri);
    if (why != null) {
      throw new RefusedException("refusing " + GoogleErrors.endpoint(uri) + ": it " + why);
    }
  }

  /** The response with its body read and bounded; on any failure the request is aborted. */
  private CloseableHttpResponse withBoundedBody(
      HttpRequestBase request, URI uri, CloseableHttpResponse response) throws IOException {
    boolean ok = false;
    try {
      int status = response.getStatusLine().getStatusCode();
      Map<String, List<String>> headers = headers(response);
      HttpEntity entity = response.getEntity();
      boolean error = status >= 400;
      byte[] body;
      try {
        body =
            ResponseBody.read(
                entity,
                error ? ERROR_BODY_LIMIT : successLimit,
                System.nanoTime() + readTimeoutNanos,
                "the body of HTTP " + status + " from " + GoogleErrors.endpoint(uri));
      } catch (IOException e) {
        recorder.responded(status, headers, null);
        throw e;
      }
      recorder.responded(status, headers, error ? new String(body, StandardCharsets.UTF_8) : null);
      if (entity != null) {
        ByteArrayEntity bytes = new ByteArrayEntity(body);
        bytes.setContentType(entity.getContentType());
        if (ResponseBody.isGzip(entity)) {
          response.removeHeaders("Content-Encoding"); // decoded here
        } else {
          bytes.setContentEncoding(entity.getContentEncoding());
        }
        response.setEntity(bytes);
      }
      ok = true;
      return response;
    } finally {
      if (!ok) {
        request.abort(); // closes the connection: nothing is drained
        response.close();
      }
    }
  }

  private static Map<String, List<String>> headers(CloseableHttpResponse response) {
    Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (Header h : response.getAllHeaders()) {
      headers.computeIfAbsent(h.getName(), k -> new ArrayList<>()).add(h.getValue());
    }
    return Collections.unmodifiableMap(headers);
  }

  /** Nothing: the delegate's pool is shared by every route of one {@link GoogleHttp}. */
  @Override
  public void close() {}

  @Override
  @Deprecated
  @SuppressWarnings("deprecation")
  public HttpParams getParams() {
    return delegate.getParams();
  }

  @Override
  @Deprecated
  @SuppressWarnings("deprecation")
  public ClientConnectionManager getConnectionManager() {
    return delegate.getConnectionManager();
  }

  @Override
  public String toString() {
    return "GuardedClient[routes=" + routes + ", " + policy + "]";
  }
}
