package dev.ephemera.core.spi.http;

import dev.ephemera.core.CredentialUnavailableException.Reason;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The one table from an HTTP error status to a failure {@link Reason}, with per-backend overrides
 * for what an upstream documents differently.
 *
 * <table>
 *   <caption>The standard table</caption>
 *   <tr><th>status</th><th>reason</th><th>why</th></tr>
 *   <tr><td>400, 401, 403, other 4xx</td><td>REJECTED</td><td>the upstream refused this request;
 *       retrying it unchanged fails the same way (terminal backoff)</td></tr>
 *   <tr><td>404, 405</td><td>CONFIGURATION</td><td>the URL, mount or role names nothing</td></tr>
 *   <tr><td>408</td><td>TIMEOUT</td><td>the upstream gave up waiting for us</td></tr>
 *   <tr><td>429</td><td>THROTTLED</td><td>over a quota; honour Retry-After</td></tr>
 *   <tr><td>5xx, and anything outside 4xx</td><td>UNAVAILABLE</td><td>transient</td></tr>
 * </table>
 *
 * <p>A backend whose upstream puts an error code in the body (STS {@code Code}, OAuth {@code
 * error}) reads the code first and falls back to this table for codes it does not know.
 *
 * <p>Instances are immutable; {@link #with} returns a copy.
 */
public final class StatusReasons {
  private static final StatusReasons STANDARD = new StatusReasons(Map.of());

  private final Map<Integer, Reason> overrides;

  private StatusReasons(Map<Integer, Reason> overrides) {
    this.overrides = overrides;
  }

  /** {@return the standard table} */
  public static StatusReasons standard() {
    return STANDARD;
  }

  /**
   * {@return this table with {@code status} mapped to {@code reason}}
   *
   * @param status the HTTP status
   * @param reason why no credential is available
   */
  public StatusReasons with(int status, Reason reason) {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("not an HTTP status: " + status);
    }
    Map<Integer, Reason> copy = new TreeMap<>(overrides);
    copy.put(status, Objects.requireNonNull(reason, "reason"));
    return new StatusReasons(Map.copyOf(copy));
  }

  /**
   * {@return the reason for an error status (any int: a status outside 4xx is UNAVAILABLE)}
   *
   * @param status the HTTP status
   */
  public Reason reasonFor(int status) {
    Reason overridden = overrides.get(status);
    if (overridden != null) {
      return overridden;
    }
    return switch (status) {
      case 404, 405 -> Reason.CONFIGURATION;
      case 408 -> Reason.TIMEOUT;
      case 429 -> Reason.THROTTLED;
      default -> status >= 400 && status < 500 ? Reason.REJECTED : Reason.UNAVAILABLE;
    };
  }

  @Override
  public String toString() {
    return "StatusReasons[standard" + (overrides.isEmpty() ? "" : ", overrides=" + overrides) + "]";
  }
}
