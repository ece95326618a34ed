package dev.ephemera.azure.internal;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpHeader;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.microsoft.aad.msal4j.IHttpClient;
import com.microsoft.aad.msal4j.IHttpResponse;
import dev.ephemera.core.spi.http.BoundedBody;
import dev.ephemera.core.spi.http.EndpointPolicy;
import dev.ephemera.core.spi.http.WireRecorder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * MSAL's HTTP, sent through azure-core's {@link HttpClient} (so proxies, TLS and timeouts are
 * configured the azure-core way) and pinned to the authority's scheme, host and port: a request to
 * any other host is refused before it leaves, so MSAL can never call out to a host the user did not
 * configure.
 *
 * <p>Every body is read through core's {@link BoundedBody} (a declared {@code Content-Length} over
 * the limit is refused before reading), so a huge or endless answer costs the limit and fails with
 * {@link BoundedBody.TooLargeException}, which MSAL wraps and {@link EntraFailures} reports as a
 * malformed response. Each request is recorded on core's {@link WireRecorder} (status, headers, the
 * bounded error body, the I/O failure): MSAL runs inline on the calling thread ({@link
 * InlineExecutorService}), so the recording is the issuing thread's own. A success body is never
 * recorded; from the token endpoint's the bridge keeps only the lifetime, {@code expires_in} and
 * {@code refresh_in}, exactly (MSAL reports only system-clock instants). One bridge serves one
 * issuance.
 */
final class MsalHttpBridge implements IHttpClient {
  /** MSAL accepts only https authorities; the bridge holds every request to the same. */
  static final EndpointPolicy POLICY = EndpointPolicy.httpsOnly();

  /** Headers the HTTP client sets itself (the JDK client refuses them). */
  private static final Set<String> HOP_BY_HOP =
      Set.of("content-length", "host", "connection", "expect", "upgrade");

  private final HttpClient http;
  private final URI authorityHost;
  private final WireRecorder recorder;
  private final int limit;
  private final AtomicInteger requests = new AtomicInteger();
  private volatile @Nullable Lifetime lifetime;

  /**
   * The lifetime the token endpoint stated.
   *
   * @param expiresIn {@code expires_in} in seconds, if it was a whole number
   * @param refreshIn {@code refresh_in} in seconds, if it was a whole number
   */
  record Lifetime(OptionalLong expiresIn, OptionalLong refreshIn) {}

  /** Refused: MSAL tried a host other than the authority's. */
  static final class ForeignHostException extends IOException {
    private static final long serialVersionUID = 1L;

    ForeignHostException(String message) {
      super(message);
    }
  }

  /**
   * A bridge for one issuance.
   *
   * @param limit the most bytes read from any body
   */
  MsalHttpBridge(HttpClient http, URI authorityHost, WireRecorder recorder, int limit) {
    this.http = http;
    this.authorityHost = authorityHost;
    this.recorder = recorder;
    this.limit = limit;
  }

  /** The lifetime the token endpoint stated in this issuance, if it answered with a success. */
  @Nullable Lifetime tokenLifetime() {
    return lifetime;
  }

  /** How many requests this bridge sent (to check that they were recorded on the caller). */
  int requests() {
    return requests.get();
  }

  @Override
  public IHttpResponse send(com.microsoft.aad.msal4j.HttpRequest request) throws IOException {
    URL url = request.url();
    URI target = pinned(url);
    HttpRequest out = new HttpRequest(HttpMethod.valueOf(request.httpMethod().name()), url);
    if (request.headers() != null) {
      request
          .headers()
          .forEach(
              (name, value) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
                  out.setHeader(name, value);
                }
              });
    }
    if (request.body() != null) {
      out.setBody(request.body().getBytes(StandardCharsets.UTF_8));
      // the JDK client frames the body itself and warns about an explicit Content-Length
      out.getHeaders().remove(HttpHeaderName.CONTENT_LENGTH);
    }
    requests.incrementAndGet();
    recorder.begin(target);
    try (HttpResponse response = send(out)) {
      int status = response.getStatusCode();
      Map<String, List<String>> headers = new LinkedHashMap<>();
      for (HttpHeader h : response.getHeaders()) {
        headers.put(h.getName(), h.getValuesList());
      }
      Map<String, List<String>> answered = Map.copyOf(headers);
      String body;
      try {
        body = body(response, "Entra ID's answer from " + url.getAuthority());
      } catch (IOException e) {
        recorder.responded(status, answered, null);
        recorder.failed(e);
        throw e;
      }
      boolean success = status >= 200 && status < 300;
      recorder.responded(status, answered, success ? null : body);
      if (success && url.getPath().endsWith("/oauth2/v2.0/token")) {
        lifetime = lifetimeIn(body);
      }
      com.microsoft.aad.msal4j.HttpResponse msal = new com.microsoft.aad.msal4j.HttpResponse();
      msal.statusCode(status);
      msal.body(body);
      msal.addHeaders(headers);
      return msal;
    }
  }

  /** Sends, recording an I/O failure (the JDK client wraps it unchecked) before rethrowing. */
  private HttpResponse send(HttpRequest out) throws IOException {
    try {
      return http.sendSync(out, Context.NONE);
    } catch (UncheckedIOException e) {
      IOException cause = cause(e);
      recorder.failed(cause);
      throw cause;
    }
  }

  /** The body, at most {@link #limit} bytes: a longer declared or actual body is refused. */
  private String body(HttpResponse response, String what) throws IOException {
    String declared = response.getHeaderValue(HttpHeaderName.CONTENT_LENGTH);
    if (declared != null && declaredOver(declared.strip())) {
      throw new BoundedBody.TooLargeException(what, limit);
    }
    BinaryData data = response.getBodyAsBinaryData();
    if (data == null) {
      return "";
    }
    try (InputStream in = data.toStream()) {
      return BoundedBody.readUtf8(in, limit, what);
    } catch (UncheckedIOException e) {
      throw cause(e);
    }
  }

  /**
   * Whether a {@code Content-Length} states more than the limit; a malformed one is left to the
   * read.
   */
  private boolean declaredOver(String declared) {
    if (declared.isEmpty() || !declared.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return false;
    }
    return declared.length() > 18 || Long.parseLong(declared) > limit;
  }

  private static IOException cause(UncheckedIOException e) {
    IOException cause = e.getCause();
    return cause != null ? cause : new IOException(e.getMessage());
  }

  private static Lifetime lifetimeIn(String body) {
    Map<String, Object> json = JsonObjects.parse(body);
    if (json == null) {
      return new Lifetime(OptionalLong.empty(), OptionalLong.empty());
    }
    return new Lifetime(
        JsonObjects.whole(json, "expires_in"), JsonObjects.whole(json, "refresh_in"));
  }

  /** The request's URI when it goes to the authority's own origin over https; refused otherwise. */
  private URI pinned(URL url) throws ForeignHostException {
    URI uri;
    try {
      uri = url.toURI();
    } catch (URISyntaxException e) {
      throw new ForeignHostException("refused a request to a URL that does not parse");
    }
    int port = url.getPort() == -1 ? url.getDefaultPort() : url.getPort();
    int expected = authorityHost.getPort() == -1 ? 443 : authorityHost.getPort();
    if (!POLICY.permits(uri)
        || !url.getHost().equalsIgnoreCase(authorityHost.getHost())
        || port != expected) {
      throw new ForeignHostException(
          "refused a request to "
              + url.getProtocol()
              + "://"
              + url.getAuthority()
              + ": only the authority host "
              + authorityHost
              + " is contacted");
    }
    return uri;
  }
}
