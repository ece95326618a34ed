package dev.ephemera.gcp.internal;

import com.google.api.client.http.HttpTransport;
import com.google.api.client.http.LowLevelHttpRequest;
import com.google.api.client.http.LowLevelHttpResponse;
import com.google.auth.http.HttpTransportFactory;
import dev.ephemera.core.spi.http.HttpDate;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLContext;
import org.apache.http.Header;
import org.apache.http.HttpEntity;
import org.apache.http.client.config.CookieSpecs;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.client.methods.HttpPost;
import org.apache.http.client.methods.HttpRequestBase;
import org.apache.http.entity.ByteArrayEntity;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClientBuilder;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.impl.conn.SystemDefaultRoutePlanner;
import org.jspecify.annotations.Nullable;

/**
 * The one HTTP transport every Google call of this module goes through, handed to Google Auth
 * Library as its {@link HttpTransportFactory}. On top of Apache HttpClient 4 (which
 * google-http-client already brings) with automatic retries, redirects, cookies and decompression
 * turned off, it:
 *
 * <ul>
 *   <li><b>routes</b>: sends a request for a host to a configured origin instead (the metadata
 *       server at {@code GCE_METADATA_HOST}, IAM at the configured impersonation endpoint), so the
 *       library never reaches a default Google address this module was not told to use;
 *   <li><b>enforces the endpoint policy</b>: plain HTTP only to loopback and link-local addresses
 *       unless explicitly allowed;
 *   <li><b>applies our timeouts</b>, whatever the library asks for;
 *   <li><b>records the outcome</b> of the last request made on the calling thread inside an {@link
 *       Exchange} (status, headers, a bounded error body, the I/O failure), so failures are
 *       classified from what happened on the wire rather than from library message text.
 * </ul>
 */
public final class GoogleHttp extends HttpTransport implements HttpTransportFactory {
  private static final int MAX_ERROR_BODY = 16 * 1024;
  private static final ThreadLocal<@Nullable Exchange> CURRENT = new ThreadLocal<>();

  private final Map<String, URI> routes;
  private final @Nullable SSLContext sslContext;
  private final boolean allowInsecureHttp;
  private final Duration connectTimeout;
  private final Duration readTimeout;
  private volatile @Nullable CloseableHttpClient client;

  /**
   * A transport.
   *
   * @param routes host (lower case) to origin; the key {@code *} routes every request
   * @param sslContext the TLS context for HTTPS, or null for the JDK default
   * @param allowInsecureHttp whether plain HTTP may go to non-loopback, non-link-local hosts
   */
  public GoogleHttp(
      Map<String, URI> routes,
      @Nullable SSLContext sslContext,
      boolean allowInsecureHttp,
      Duration connectTimeout,
      Duration readTimeout) {
    this.routes = Map.copyOf(routes);
    this.sslContext = sslContext;
    this.allowInsecureHttp = allowInsecureHttp;
    this.connectTimeout = connectTimeout;
    this.readTimeout = readTimeout;
  }

  /** The same transport with other routes. */
  public GoogleHttp withRoutes(Map<String, URI> newRoutes) {
    return new GoogleHttp(newRoutes, sslContext, allowInsecureHttp, connectTimeout, readTimeout);
  }

  /** Starts recording the requests this thread makes until the exchange is closed. */
  public Exchange open() {
    Exchange e = new Exchange(CURRENT.get());
    CURRENT.set(e);
    return e;
  }

  @Override
  public HttpTransport create() {
    return this;
  }

  @Override
  public boolean supportsMethod(String method) {
    return method.equals("GET") || method.equals("POST");
  }

  @Override
  protected LowLevelHttpRequest buildRequest(String method, String url) throws IOException {
    URI target = route(URI.create(url));
    checkPolicy(target, allowInsecureHttp);
    return new Request(method, target);
  }

  URI route(URI uri) {
    String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
    URI origin = routes.getOrDefault(host, routes.get("*"));
    if (origin == null) {
      return uri;
    }
    String rest = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    if (uri.getRawQuery() != null) {
      rest += "?" + uri.getRawQuery();
    }
    return URI.create(origin.getScheme() + "://" + origin.getRawAuthority() + rest);
  }

  /**
   * Plain HTTP only to loopback or link-local hosts (the metadata server), unless allowed.
   *
   * @throws InsecureEndpointException otherwise
   */
  public static void checkPolicy(URI target, boolean allowInsecureHttp)
      throws InsecureEndpointException {
    String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(Locale.ROOT);
    if (scheme.equals("https")) {
      return;
    }
    if (!scheme.equals("http")) {
      throw new InsecureEndpointException(target + " is neither https nor http");
    }
    if (allowInsecureHttp || isLocal(target.getHost())) {
      return;
    }
    throw new InsecureEndpointException(
        "refusing plain HTTP to "
            + target.getHost()
            + ": only loopback and link-local endpoints may use http (allowInsecureHttp to opt in)");
  }

  /** Loopback or link-local, judged from the literal (no DNS lookup for names). */
  public static boolean isLocal(@Nullable String host) {
    if (host == null || host.isEmpty()) {
      return false;
    }
    String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    if (h.equalsIgnoreCase("localhost") || h.equalsIgnoreCase("metadata.google.internal")) {
      return true;
    }
    if (!h.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
      return false; // a name: resolving it here could reach the network
    }
    try {
      InetAddress a = InetAddress.getByName(h);
      return a.isLoopbackAddress() || a.isLinkLocalAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** Thrown when a request would break the endpoint policy. */
  public static final class InsecureEndpointException extends IOException {
    private static final long serialVersionUID = 1L;

    InsecureEndpointException(String message) {
      super(message);
    }
  }

  /** What the requests made on one thread between {@link #open()} and {@link #close()} did. */
  public static final class Exchange implements AutoCloseable {
    private final @Nullable Exchange outer;
    private @Nullable URI uri;
    private int status = -1;
    private final List<String[]> headers = new ArrayList<>();
    private @Nullable String errorBody;
    private @Nullable IOException failure;
    private int requests;

    Exchange(@Nullable Exchange outer) {
      this.outer = outer;
    }

    void begin(URI target) {
      uri = target;
      status = -1;
      headers.clear();
      errorBody = null;
      failure = null;
      requests++;
      if (outer != null) {
        outer.begin(target);
      }
    }

    void responded(int code, List<String[]> responseHeaders, @Nullable String body) {
      status = code;
      headers.addAll(responseHeaders);
      errorBody = body;
      if (outer != null) {
        outer.responded(code, responseHeaders, body);
      }
    }

    void failed(IOException e) {
      failure = e;
      if (outer != null) {
        outer.failed(e);
      }
    }

    /** The URI of the last request (after routing), if any was made. */
    public @Nullable URI uri() {
      return uri;
    }

    /** The last response's status, or -1 when there was none. */
    public int status() {
      return status;
    }

    /** How many requests were made. */
    public int requests() {
      return requests;
    }

    /** The last response's header (case-insensitive), or null. */
    public @Nullable String header(String name) {
      for (String[] h : headers) {
        if (h[0].equalsIgnoreCase(name)) {
          return h[1];
        }
      }
      return null;
    }

    /**
     * The last response's {@code Date}: the upstream's clock when it answered; null when absent or
     * not an HTTP date (then it is not trusted).
     */
    public @Nullable Instant upstreamTime() {
      return HttpDate.parse(header("Date")).orElse(null);
    }

    /** The last error response's body (bounded), or null. */
    public @Nullable String errorBody() {
      return errorBody;
    }

    /** The I/O failure of the last request, or null. */
    public @Nullable IOException failure() {
      return failure;
    }

    @Override
    public void close() {
      if (CURRENT.get() == this) {
        if (outer == null) {
          CURRENT.remove();
        } else {
          CURRENT.set(outer);
        }
      }
    }
  }

  private static final Set<String> RESTRICTED =
      Set.of("host", "connection", "content-length", "expect", "upgrade", "te", "trailer");

  private final class Request extends LowLevelHttpRequest {
    private final String method;
    private final URI target;
    private final List<String[]> headers = new ArrayList<>();

    Request(String method, URI target) {
      this.method = method;
      this.target = target;
    }

    @Override
    public void addHeader(String name, String value) {
      headers.add(new String[] {name, value});
    }

    @Override
    public void setTimeout(int connectTimeout, int readTimeout) {
      // Ours apply, whatever the library asks for.
    }

    @Override
    public LowLevelHttpResponse execute() throws IOException {
      Exchange exchange = CURRENT.get();
      if (exchange != null) {
        exchange.begin(target);
      }
      try {
        return send(exchange);
      } catch (IOException e) {
        if (exchange != null) {
          exchange.failed(e);
        }
        throw e;
      }
    }

    private LowLevelHttpResponse send(@Nullable Exchange exchange) throws IOException {
      HttpRequestBase request;
      if (method.equals("POST")) {
        HttpPost post = new HttpPost(target);
        if (getStreamingContent() != null) {
          ByteArrayOutputStream bytes = new ByteArrayOutputStream();
          getStreamingContent().writeTo(bytes);
          post.setEntity(new ByteArrayEntity(bytes.toByteArray()));
        }
        request = post;
      } else if (method.equals("GET")) {
        request = new HttpGet(target);
      } else {
        throw new IOException("unsupported method " + method);
      }
      for (String[] h : headers) {
        if (!RESTRICTED.contains(h[0].toLowerCase(Locale.ROOT))) {
          request.addHeader(h[0], h[1]);
        }
      }
      if (getContentType() != null) {
        request.setHeader("Content-Type", getContentType());
      }
      if (getContentEncoding() != null) {
        request.setHeader("Content-Encoding", getContentEncoding());
      }
      CloseableHttpResponse response = client().execute(request);
      int status = response.getStatusLine().getStatusCode();
      List<String[]> responseHeaders = new ArrayList<>();
      for (Header h : response.getAllHeaders()) {
        responseHeaders.add(new String[] {h.getName(), h.getValue()});
      }
      HttpEntity entity = response.getEntity();
      InputStream content = entity == null ? InputStream.nullInputStream() : entity.getContent();
      String errorText = null;
      if (status >= 400) {
        byte[] bytes = readBounded(content);
        errorText = new String(bytes, StandardCharsets.UTF_8);
        content = new ByteArrayInputStream(bytes);
      }
      if (exchange != null) {
        exchange.responded(status, responseHeaders, errorText);
      }
      return new Response(response, status, responseHeaders, content);
    }
  }

  private static byte[] readBounded(InputStream in) throws IOException {
    try (in) {
      byte[] bytes = in.readNBytes(MAX_ERROR_BODY);
      in.transferTo(OutputStream.nullOutputStream());
      return bytes;
    }
  }

  private static final class Response extends LowLevelHttpResponse {
    private final CloseableHttpResponse response;
    private final int status;
    private final List<String[]> headers;
    private final InputStream content;

    Response(
        CloseableHttpResponse response, int status, List<String[]> headers, InputStream content) {
      this.response = response;
      this.status = status;
      this.headers = headers;
      this.content = content;
    }

    private @Nullable String first(String name) {
      for (String[] h : headers) {
        if (h[0].equalsIgnoreCase(name)) {
          return h[1];
        }
      }
      return null;
    }

    @Override
    public InputStream getContent() {
      return content;
    }

    @Override
    public @Nullable String getContentEncoding() {
      return first("Content-Encoding");
    }

    @Override
    public long getContentLength() {
      String v = first("Content-Length");
      try {
        return v == null ? -1 : Long.parseLong(v.strip());
      } catch (NumberFormatException e) {
        return -1;
      }
    }

    @Override
    public @Nullable String getContentType() {
      return first("Content-Type");
    }

    @Override
    public String getStatusLine() {
      return "HTTP/1.1 " + status;
    }

    @Override
    public int getStatusCode() {
      return status;
    }

    @Override
    public @Nullable String getReasonPhrase() {
      return null;
    }

    @Override
    public int getHeaderCount() {
      return headers.size();
    }

    @Override
    public String getHeaderName(int index) {
      return headers.get(index)[0];
    }

    @Override
    public String getHeaderValue(int index) {
      return headers.get(index)[1];
    }

    @Override
    public void disconnect() throws IOException {
      response.close();
    }
  }

  /** The HTTP client, made on first use and shared by every request of this transport. */
  private CloseableHttpClient client() {
    CloseableHttpClient c = client;
    if (c == null) {
      synchronized (this) {
        c = client;
        if (c == null) {
          int connect = (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis());
          int read = (int) Math.min(Integer.MAX_VALUE, readTimeout.toMillis());
          RequestConfig config =
              RequestConfig.custom()
                  .setConnectTimeout(connect)
                  .setConnectionRequestTimeout(connect)
                  .setSocketTimeout(read)
                  .setRedirectsEnabled(false)
                  .setCookieSpec(CookieSpecs.IGNORE_COOKIES)
                  .build();
          // No automatic retries (the engine decides), no redirects, no cookies, no
          // decompression (the Google client does it), and no background threads.
          HttpClientBuilder b =
              HttpClients.custom()
                  .disableAutomaticRetries()
                  .disableRedirectHandling()
                  .disableCookieManagement()
                  .disableAuthCaching()
                  .disableContentCompression()
                  .setDefaultRequestConfig(config)
                  .setRoutePlanner(new SystemDefaultRoutePlanner(LocalDirect.INSTANCE))
                  .setMaxConnPerRoute(20)
                  .setMaxConnTotal(100);
          b.setSSLContext(sslContext != null ? sslContext : defaultSslContext());
          c = b.build();
          client = c;
        }
      }
    }
    return c;
  }

  private static SSLContext defaultSslContext() {
    try {
      return SSLContext.getDefault();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("no default TLS context", e);
    }
  }

  /** Loopback and link-local hosts directly; everything else as the JVM's proxy settings say. */
  private static final class LocalDirect extends ProxySelector {
    static final LocalDirect INSTANCE = new LocalDirect();

    @Override
    public List<Proxy> select(URI uri) {
      ProxySelector system = ProxySelector.getDefault();
      return isLocal(uri.getHost()) || system == null
          ? List.of(Proxy.NO_PROXY)
          : system.select(uri);
    }

    @Override
    public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {
      ProxySelector system = ProxySelector.getDefault();
      if (system != null) {
        system.connectFailed(uri, sa, ioe);
      }
    }
  }

  @Override
  public String toString() {
    return "GoogleHttp[routes=" + routes + ", allowInsecureHttp=" + allowInsecureHttp + "]";
  }
}
