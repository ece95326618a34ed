package dev.ephemera.core.spi.http;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What the requests a vendor client made on the calling thread did on the wire: status, headers, a
 * bounded error body, the I/O failure. Vendor clients (the Vault driver, MSAL, Google's transport)
 * drop most of this before they throw, and a backend needs it to classify a failure by status
 * rather than by message text, to read {@code Retry-After} and to read the upstream's {@code Date}.
 *
 * <p>The backend wraps the vendor client's HTTP layer so that it calls {@link #begin}, {@link
 * #responded} and {@link #failed} for each request, and wraps each issuance in {@code try
 * (WireRecorder.Exchange e = recorder.open()) { ... }}. Recordings are per thread and nest: an
 * outer exchange sees the requests of an inner one. Nothing is recorded on a thread with no open
 * exchange. Error bodies are kept only as given (the transport bounds them); success bodies are
 * never kept, since they hold the credential.
 */
public final class WireRecorder {
  private final ThreadLocal<@Nullable Exchange> current = new ThreadLocal<>();

  /**
   * Starts recording the requests this thread makes until the exchange is closed.
   *
   * @return the exchange; closing it stops the recording
   */
  public Exchange open() {
    Exchange e = new Exchange(this, current.get());
    current.set(e);
    return e;
  }

  /**
   * The transport is about to send a request to {@code target}.
   *
   * @param target the target
   */
  public void begin(URI target) {
    Exchange e = current.get();
    if (e != null) {
      e.begin(target);
    }
  }

  /**
   * The transport got a response.
   *
   * @param status the HTTP status
   * @param headers the response headers (names in any case)
   * @param errorBody the bounded body of an error response, or null for a success
   */
  public void responded(int status, Map<String, List<String>> headers, @Nullable String errorBody) {
    Exchange e = current.get();
    if (e != null) {
      e.responded(status, headers, errorBody);
    }
  }

  /**
   * The request failed without a response.
   *
   * @param failure the failure
   */
  public void failed(IOException failure) {
    Exchange e = current.get();
    if (e != null) {
      e.failed(failure);
    }
  }

  /** The requests made on one thread between {@link #open()} and {@link Exchange#close()}. */
  public static final class Exchange implements AutoCloseable {
    private final WireRecorder owner;
    private final @Nullable Exchange outer;
    private @Nullable URI uri;
    private int status = -1;
    private Map<String, List<String>> headers = Map.of();
    private @Nullable String errorBody;
    private @Nullable IOException failure;
    private int requests;

    private Exchange(WireRecorder owner, @Nullable Exchange outer) {
      this.owner = owner;
      this.outer = outer;
    }

    private void begin(URI target) {
      uri = target;
      status = -1;
      headers = Map.of();
      errorBody = null;
      failure = null;
      requests++;
      if (outer != null) {
        outer.begin(target);
      }
    }

    private void responded(
        int code, Map<String, List<String>> responseHeaders, @Nullable String body) {
      status = code;
      headers = responseHeaders;
      errorBody = body;
      if (outer != null) {
        outer.responded(code, responseHeaders, body);
      }
    }

    private void failed(IOException e) {
      failure = e;
      if (outer != null) {
        outer.failed(e);
      }
    }

    /** {@return the URI of the last request, if any was made} */
    public Optional<URI> uri() {
      return Optional.ofNullable(uri);
    }

    /** {@return the last response's status, or -1 when there was none} */
    public int status() {
      return status;
    }

    /** {@return how many requests were made} */
    public int requests() {
      return requests;
    }

    /**
     * {@return the last response's header (first value, name compared ignoring case)}
     *
     * @param name the name
     */
    public Optional<String> header(String name) {
      for (Map.Entry<String, List<String>> h : headers.entrySet()) {
        if (h.getKey() != null && h.getKey().equalsIgnoreCase(name) && !h.getValue().isEmpty()) {
          return Optional.ofNullable(h.getValue().get(0));
        }
      }
      return Optional.empty();
    }

    /** {@return the last response's {@code Date}: the upstream's clock when it answered} */
    public Optional<Instant> upstreamTime() {
      return HttpDate.parse(header("Date").orElse(null));
    }

    /**
     * {@return the last response's {@code Retry-After}, read by {@link RetryAfter} against the
     * upstream's own clock when it sent one, else against {@code now}}
     *
     * @param now the current instant
     */
    public Optional<Duration> retryAfter(Instant now) {
      return RetryAfter.parse(header("Retry-After").orElse(null), upstreamTime().orElse(now));
    }

    /** {@return the last error response's body, bounded by the transport} */
    public Optional<String> errorBody() {
      return Optional.ofNullable(errorBody);
    }

    /** {@return the I/O failure of the last request} */
    public Optional<IOException> failure() {
      return Optional.ofNullable(failure);
    }

    /** Stops recording (the outer exchange, if any, records on). */
    @Override
    public void close() {
      if (owner.current.get() == this) {
        if (outer == null) {
          owner.current.remove();
        } else {
          owner.current.set(outer);
        }
      }
    }

    /** Status and request count only: headers and bodies may carry secrets. */
    @Override
    public String toString() {
      return "WireRecorder.Exchange[requests=" + requests + ", status=" + status + "]";
    }
  }
}
