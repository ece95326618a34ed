package dev.ephemera.vault.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.ephemera.core.CredentialUnavailableException;
import dev.ephemera.core.CredentialUnavailableException.Reason;
import dev.ephemera.core.Secret;
import dev.ephemera.core.spi.ErrorText;
import dev.ephemera.core.spi.http.BoundedBody;
import dev.ephemera.core.spi.http.EndpointPolicy;
import dev.ephemera.core.spi.http.WireRecorder;
import io.github.jopenlibs.vault.VaultConfig;
import io.github.jopenlibs.vault.VaultException;
import io.github.jopenlibs.vault.response.VaultResponse;
import io.github.jopenlibs.vault.rest.RestResponse;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * Runs calls through the Vault driver and turns what happened into a {@link Reply} or a typed
 * exception. One instance per Vault address; thread-safe.
 *
 * <p>The driver is used with its own retries off ({@code maxRetries} 0, the default): the refresh
 * engine alone decides when to try again. All calls share one {@link HttpClient} (connect timeout,
 * TLS context, bounded reads: {@link RecordingHttpClient}) instead of the driver's new client per
 * request, and transports with the same TLS context and connect timeout share that client, and each
 * request carries the read timeout. What the driver drops (status, headers, error bodies) is read
 * back from the core {@link WireRecorder}.
 */
public final class VaultTransport {
  /** What a JDK client is built from: the TLS context (by identity) and the connect timeout. */
  private record ClientKey(SSLContext tls, int connectTimeoutSeconds) {}

  /**
   * One JDK client (and so one selector thread) per TLS context and connect timeout, shared by
   * every transport built with them: a process with many Vault identities does not start a thread
   * per identity. A client no transport holds any more is let go.
   */
  private static final Cache<ClientKey, HttpClient> CLIENTS =
      Caffeine.newBuilder().weakValues().build();

  private final String address;
  private final @Nullable String namespace;
  private final WireRecorder recorder = new WireRecorder();
  private final HttpClient jdkClient; // held: the shared cache keeps it only while someone does
  private final RecordingHttpClient http;
  private final int readTimeoutSeconds;
  private final int connectTimeoutSeconds;
  private final Clock clock;

  /** A call into the driver; {@code null} for calls that return nothing (revoke-self). */
  @FunctionalInterface
  interface DriverCall {
    /** Makes the call. */
    @Nullable VaultResponse run() throws VaultException;
  }

  /**
   * A transport.
   *
   * @param address the Vault address, without trailing slash, already checked against {@code
   *     endpoints}
   * @param namespace the Enterprise namespace, or {@code null}
   * @param tls the TLS context for HTTPS
   * @param connectTimeout connect timeout (whole seconds, at least one)
   * @param readTimeout per-request timeout (whole seconds, at least one)
   * @param clock for Retry-After dates
   * @param endpoints where requests may go (checked again on every request)
   */
  public VaultTransport(
      String address,
      @Nullable String namespace,
      SSLContext tls,
      Duration connectTimeout,
      Duration readTimeout,
      Clock clock,
      EndpointPolicy endpoints) {
    this.address = Objects.requireNonNull(address, "address");
    this.namespace = namespace;
    this.connectTimeoutSeconds = seconds(connectTimeout);
    this.readTimeoutSeconds = seconds(readTimeout);
    this.clock = clock;
    this.jdkClient =
        CLIENTS.get(
            new ClientKey(Objects.requireNonNull(tls, "tls"), connectTimeoutSeconds),
            VaultTransport::newClient);
    this.http =
        new RecordingHttpClient(
            jdkClient, recorder, Objects.requireNonNull(endpoints, "endpoints"));
  }

  /** {@return the JDK client under this transport, shared with like transports} */
  HttpClient jdkClient() {
    return jdkClient;
  }

  private static HttpClient newClient(ClientKey key) {
    return HttpClient.newBuilder()
        // the driver sticks to HTTP/1.1 too: Vault Agent cannot proxy h2c
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(key.connectTimeoutSeconds()))
        .sslContext(key.tls())
        .build();
  }

  private static int seconds(Duration d) {
    long s = Math.max(1, (d.toMillis() + 999) / 1000);
    return (int) Math.min(s, Integer.MAX_VALUE);
  }

  /** The Vault address. */
  public String address() {
    return address;
  }

  /** The namespace, or {@code null}. */
  public @Nullable String namespace() {
    return namespace;
  }

  /** The shared HTTP client (for driver configurations handed to users). */
  public HttpClient httpClient() {
    return http;
  }

  /** The per-request timeout in seconds. */
  public int readTimeoutSeconds() {
    return readTimeoutSeconds;
  }

  /** The connect timeout in seconds. */
  public int connectTimeoutSeconds() {
    return connectTimeoutSeconds;
  }

  /**
   * A driver configuration for one call: this transport's address, namespace, client and timeouts,
   * authenticated with {@code token} (none for logins).
   *
   * @param engineVersion the KV engine version the driver should assume (1: paths used verbatim)
   * @param prefixPathDepth path segments in the KV mount (for KV v2 reads)
   */
  VaultConfig config(@Nullable Secret token, int engineVersion, int prefixPathDepth) {
    try {
      VaultConfig c =
          new VaultConfig()
              .environmentLoader(NoEnvironment.INSTANCE)
              .address(address)
              .httpClient(http)
              .openTimeout(connectTimeoutSeconds)
              .readTimeout(readTimeoutSeconds)
              .engineVersion(engineVersion)
              .prefixPathDepth(prefixPathDepth);
      if (token != null) {
        c.token(token.reveal());
      }
      if (namespace != null) {
        c.nameSpace(namespace);
      }
      return c.build();
    } catch (VaultException e) {
      throw new IllegalStateException("the Vault driver rejected a complete configuration", e);
    }
  }

  /**
   * Runs {@code call} and returns Vault's reply, 2xx or not.
   *
   * @param where the Vault path, for messages
   * @param known secrets the call sent, scrubbed from any text kept
   * @throws CredentialUnavailableException UNAVAILABLE or TIMEOUT when Vault could not be reached
   *     or did not answer in time; MALFORMED_RESPONSE when an answer was too long, nested too
   *     deeply, or (2xx) could not be read
   */
  Reply exchange(Operation operation, String where, DriverCall call, Secret... known) {
    try (WireRecorder.Exchange x = recorder.open()) {
      VaultResponse response;
      try {
        response = call.run();
      } catch (VaultException | RuntimeException e) {
        return afterFailure(operation, where, x, e, known);
      }
      Duration hint = x.retryAfter(clock.instant()).orElse(null);
      if (response == null) {
        return new Reply(204, "", hint);
      }
      RestResponse rest = response.getRestResponse();
      return new Reply(rest.getStatus(), new String(rest.getBody(), StandardCharsets.UTF_8), hint);
    }
  }

  /** An error reply to classify, or the exception for a call that got none that can be read. */
  private Reply afterFailure(
      Operation operation, String where, WireRecorder.Exchange x, Exception e, Secret... known) {
    IOException io = x.failure().orElse(null);
    if (io instanceof BoundedBody.TooLargeException || io instanceof JsonDepth.TooDeepException) {
      throw VaultErrors.malformed(
          operation, where, "an answer it refuses to read (" + io.getMessage() + ")");
    }
    int status = x.status();
    if (status >= 400) {
      return new Reply(
          status, x.errorBody().orElse(""), x.retryAfter(clock.instant()).orElse(null));
    }
    if (status < 0 && e instanceof VaultException) {
      throw transportFailure(operation, where, e);
    }
    throw VaultErrors.malformed(
        operation, where, "a response that cannot be read (" + describe(e, known) + ")");
  }

  private CredentialUnavailableException transportFailure(
      Operation operation, String where, Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof InterruptedException) {
        Thread.currentThread().interrupt();
        return new CredentialUnavailableException(
            Reason.TIMEOUT,
            "interrupted during Vault " + operation.description() + " at " + where,
            ErrorText.scrub(e));
      }
      if (t instanceof HttpTimeoutException) {
        return new CredentialUnavailableException(
            Reason.TIMEOUT,
            "Vault "
                + operation.description()
                + " at "
                + where
                + " did not complete in time ("
                + ErrorText.describe(t)
                + ")",
            ErrorText.scrub(e));
      }
      if (t instanceof IOException) {
        return new CredentialUnavailableException(
            Reason.UNAVAILABLE,
            "cannot reach Vault at "
                + address
                + " for "
                + operation.description()
                + ": "
                + ErrorText.describe(t),
            ErrorText.scrub(e));
      }
    }
    return new CredentialUnavailableException(
        Reason.UNAVAILABLE,
        "Vault " + operation.description() + " at " + where + " failed: " + ErrorText.describe(e),
        ErrorText.scrub(e));
  }

  private static String describe(Throwable e, Secret... known) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = ErrorText.sanitize(root.getMessage(), known);
    return message.isEmpty()
        ? root.getClass().getSimpleName()
        : root.getClass().getSimpleName() + ": " + message;
  }

  @Override
  public String toString() {
    return "VaultTransport["
        + address
        + (namespace == null ? "" : ", namespace=" + namespace)
        + "]";
  }
}
