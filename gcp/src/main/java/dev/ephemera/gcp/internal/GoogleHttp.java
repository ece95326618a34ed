package dev.ephemera.gcp.internal;

import com.google.api.client.http.HttpTransport;
import com.google.api.client.http.apache.v2.ApacheHttpTransport;
import com.google.auth.http.HttpTransportFactory;
import dev.ephemera.core.spi.http.BoundedBody;
import dev.ephemera.core.spi.http.EndpointPolicy;
import dev.ephemera.core.spi.http.WireRecorder;
import java.net.URI;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.apache.http.client.config.CookieSpecs;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.config.ConnectionConfig;
import org.apache.http.config.MessageConstraints;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.impl.conn.SystemDefaultRoutePlanner;
import org.jspecify.annotations.Nullable;

/**
 * The one HTTP transport every Google call of this module goes through, handed to Google Auth
 * Library as its {@link HttpTransportFactory}: google-http-client's own {@link ApacheHttpTransport}
 * over an Apache HttpClient 4 with automatic retries, redirects, cookies and decompression off
 * (retrying is the engine's decision), decorated by {@link GuardedClient} (routing, the endpoint
 * policy, our timeouts, bounded bodies, wire recording through core's {@link WireRecorder}).
 *
 * <p>Loopback and the metadata server are reached directly, never through a proxy; names are never
 * resolved to decide that. Header count and line length are bounded, like the bodies.
 */
public final class GoogleHttp implements HttpTransportFactory {
  /** How errors name the metadata server's plain-HTTP exception. */
  static final String METADATA_LABEL = "the GCE metadata server";

  private static final int MAX_HEADERS = 200;
  private static final int MAX_LINE = 16 * 1024;

  private final CloseableHttpClient apache;
  private final EndpointPolicy policy;
  private final RequestConfig config;
  private final long readTimeoutNanos;
  private final WireRecorder recorder;
  private final Routes routes;
  private final ApacheHttpTransport transport;

  // package-private for the fuzz target, which passes an Apache client that answers in memory
  GoogleHttp(
      CloseableHttpClient apache,
      EndpointPolicy policy,
      RequestConfig config,
      long readTimeoutNanos,
      WireRecorder recorder,
      Routes routes) {
    this.apache = apache;
    this.policy = policy;
    this.config = config;
    this.readTimeoutNanos = readTimeoutNanos;
    this.recorder = recorder;
    this.routes = routes;
    this.transport =
        new ApacheHttpTransport(
            new GuardedClient(
                apache,
                routes,
                policy,
                config,
                readTimeoutNanos,
                BoundedBody.DEFAULT_LIMIT,
                recorder));
  }

  /**
   * The endpoint policy of every Google call: https anywhere, plain HTTP to loopback and the
   * metadata server, or anywhere with the user's {@code allowPlainHttp(true)}.
   */
  public static EndpointPolicy policy(boolean allowPlainHttp) {
    return EndpointPolicy.loopbackOnly()
        .withMetadataHosts(EndpointPolicy.GOOGLE_METADATA_HOSTS, METADATA_LABEL)
        .withPlainHttpAllowed(allowPlainHttp);
  }

  /**
   * A transport with no routes. Makes no connection.
   *
   * @param sslContext the TLS context for HTTPS, or null for the JDK default
   */
  public static GoogleHttp create(
      EndpointPolicy policy,
      @Nullable SSLContext sslContext,
      Duration connectTimeout,
      Duration readTimeout) {
    int connect = millis(connectTimeout);
    RequestConfig config =
        RequestConfig.custom()
            .setConnectTimeout(connect)
            .setConnectionRequestTimeout(connect)
            .setSocketTimeout(millis(readTimeout))
            .setRedirectsEnabled(false)
            .setNormalizeUri(false)
            .setCookieSpec(CookieSpecs.IGNORE_COOKIES)
            .build();
    CloseableHttpClient apache =
        HttpClients.custom()
            .disableAutomaticRetries()
            .disableRedirectHandling()
            .disableCookieManagement()
            .disableAuthCaching()
            .disableContentCompression()
            .setDefaultRequestConfig(config)
            .setDefaultConnectionConfig(
                ConnectionConfig.custom()
                    .setMessageConstraints(
                        MessageConstraints.custom()
                            .setMaxHeaderCount(MAX_HEADERS)
                            .setMaxLineLength(MAX_LINE)
                            .build())
                    .build())
            .setRoutePlanner(new SystemDefaultRoutePlanner(Proxies.INSTANCE))
            .setSSLContext(sslContext != null ? sslContext : defaultSslContext())
            .setMaxConnPerRoute(20)
            .setMaxConnTotal(100)
            .build();
    return new GoogleHttp(
        apache, policy, config, nanos(readTimeout), new WireRecorder(), Routes.NONE);
  }

  /**
   * The same transport (one connection pool, one recorder) with other routes.
   *
   * @param routes host (any case) to origin; the key {@code *} routes every request
   */
  public GoogleHttp withRoutes(Map<String, URI> routes) {
    return new GoogleHttp(apache, policy, config, readTimeoutNanos, recorder, Routes.of(routes));
  }

  /** Starts recording the requests this thread makes until the exchange is closed. */
  WireRecorder.Exchange open() {
    return recorder.open();
  }

  @Override
  public HttpTransport create() {
    return transport;
  }

  private static int millis(Duration d) {
    return d.compareTo(Duration.ofMillis(Integer.MAX_VALUE)) >= 0
        ? Integer.MAX_VALUE
        : (int) d.toMillis();
  }

  private static long nanos(Duration d) {
    return d.compareTo(Duration.ofNanos(Long.MAX_VALUE)) >= 0 ? Long.MAX_VALUE : d.toNanos();
  }

  private static SSLContext defaultSslContext() {
    try {
      return SSLContext.getDefault();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no default TLS context", e);
    }
  }

  @Override
  public String toString() {
    return "GoogleHttp[routes=" + routes + ", " + policy + "]";
  }
}
