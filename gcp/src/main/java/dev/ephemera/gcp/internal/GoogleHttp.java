package dev.ephemera.gcp.internal;

import com.google.api.client.http.HttpTransport;
import com.google.api.client.http.LowLevelHttpRequest;
import com.google.api.client.http.LowLevelHttpResponse;
import com.google.auth.http.HttpTransportFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.Proxy;
import java.net.URI;
import java.net.URL;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * The one HTTP transport every Google call of this module goes through, handed to Google Auth
 * Library as its {@link HttpTransportFactory}. On top of plain {@link HttpURLConnection} it:
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
  private final int connectTimeoutMillis;
  private final int readTimeoutMillis;

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
    this.connectTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis());
    this.readTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, readTimeout.toMillis());
  }

  /** The same transport with other routes. */
  public GoogleHttp withRoutes(Map<String, URI> newRoutes) {
    return new GoogleHttp(
        newRoutes,
        sslContext,
        allowInsecureHttp,
        Duration.ofMillis(connectTimeoutMillis),
        Duration.ofMillis(readTimeoutMillis));
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
      URL url = target.toURL();
      HttpURLConnection c =
          (HttpURLConnection)
              (isLocal(target.getHost()) ? url.openConnection(Proxy.NO_PROXY) : url.openConnection());
      if (c instanceof HttpsURLConnection https && sslContext != null) {
        https.setSSLSocketFactory(sslContext.getSocketFactory());
      }
      c.setRequestMethod(method);
      c.setInstanceFollowRedirects(false);
      c.setUseCaches(false);
      c.setConnectTimeout(connectTimeoutMillis);
      c.setReadTimeout(readTimeoutMillis);
      for (String[] h : headers) {
        c.addRequestProperty(h[0], h[1]);
      }
      if (getContentType() != null) {
        c.setRequestProperty("Content-Type", getContentType());
      }
      if (getContentEncoding() != null) {
        c.setRequestProperty("Content-Encoding", getContentEncoding());
      }
      if (getStreamingContent() != null) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        getStreamingContent().writeTo(body);
        c.setDoOutput(true);
        c.setFixedLengthStreamingMode(body.size());
        try (OutputStream out = c.getOutputStream()) {
          body.writeTo(out);
        }
      }
      int status = c.getResponseCode();
      List<String[]> responseHeaders = new ArrayList<>();
      for (Map.Entry<String, List<String>> e : c.getHeaderFields().entrySet()) {
        if (e.getKey() != null) {
          for (String v : e.getValue()) {
            responseHeaders.add(new String[] {e.getKey(), v});
          }
        }
      }
      InputStream content;
      String errorText = null;
      if (status >= 400) {
        byte[] bytes = readBounded(c.getErrorStream());
        errorText = new String(bytes, StandardCharsets.UTF_8);
        content = new ByteArrayInputStream(bytes);
      } else {
        content = c.getInputStream();
      }
      if (exchange != null) {
        exchange.responded(status, responseHeaders, errorText);
      }
      return new Response(c, status, responseHeaders, content);
    }
  }

  private static byte[] readBounded(@Nullable InputStream in) throws IOException {
    if (in == null) {
      return new byte[0];
    }
    try (in) {
      return in.readNBytes(MAX_ERROR_BODY);
    }
  }

  private static final class Response extends LowLevelHttpResponse {
    private final HttpURLConnection connection;
    private final int status;
    private final List<String[]> headers;
    private final InputStream content;

    Response(HttpURLConnection connection, int status, List<String[]> headers, InputStream content) {
      this.connection = connection;
      this.status = status;
      this.headers = headers;
      this.content = content;
    }

    @Override
    public InputStream getContent() {
      return content;
    }

    @Override
    public @Nullable String getContentEncoding() {
      return connection.getContentEncoding();
    }

    @Override
    public long getContentLength() {
      return connection.getContentLengthLong();
    }

    @Override
    public @Nullable String getContentType() {
      return connection.getContentType();
    }

    @Override
    public @Nullable String getStatusLine() {
      return connection.getHeaderField(0);
    }

    @Override
    public int getStatusCode() {
      return status;
    }

    @Override
    public @Nullable String getReasonPhrase() {
      try {
        return connection.getResponseMessage();
      } catch (IOException e) {
        return null;
      }
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
    public void disconnect() {
      connection.disconnect();
    }
  }

  @Override
  public String toString() {
    return "GoogleHttp[routes=" + routes + ", allowInsecureHttp=" + allowInsecureHttp + "]";
  }
}
