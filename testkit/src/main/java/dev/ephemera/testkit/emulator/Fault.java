package dev.ephemera.testkit.emulator;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One way an upstream misbehaves. The vocabulary is shared by every emulator; each renders
 * protocol-specific faults (an error status, throttling, an already-expired credential) in its
 * upstream's exact envelope.
 */
public final class Fault {

  /** The kinds of fault. */
  public enum Kind {
    /** The normal response, after a real delay (for client timeouts). */
    LATENCY,
    /** An error status in the protocol's error envelope (500, 503, 403, ...). */
    STATUS,
    /** The protocol's throttling response with a retry-after hint. */
    THROTTLE,
    /** The connection is reset before any response. */
    CONNECTION_RESET,
    /** A success status with a body that is not the protocol's format. */
    MALFORMED_BODY,
    /** A success status with the normal body cut in half. */
    TRUNCATED_BODY,
    /** A normal-looking success whose credential has already expired. */
    EXPIRED_CREDENTIAL,
    /**
     * A success status whose normal body is followed by {@link #HUGE_BODY_PADDING} bytes of
     * whitespace: still well-formed, but past any bounded reader's limit.
     */
    HUGE_BODY,
    /** The normal response, sent only once the fault's {@link Gate} opens. */
    HOLD
  }

  /**
   * How many bytes of whitespace a {@link Kind#HUGE_BODY} answer adds to the normal body: 4 MiB.
   */
  public static final int HUGE_BODY_PADDING = 4 << 20;

  private final Kind kind;
  private final int status;
  private final Duration duration;
  private final @Nullable String rawRetryAfter;
  private final @Nullable Gate gate;

  private Fault(Kind kind, int status, Duration duration) {
    this(kind, status, duration, null, null);
  }

  private Fault(
      Kind kind,
      int status,
      Duration duration,
      @Nullable String rawRetryAfter,
      @Nullable Gate gate) {
    this.kind = kind;
    this.status = status;
    this.duration = duration;
    this.rawRetryAfter = rawRetryAfter;
    this.gate = gate;
  }

  /**
   * {@return the normal response after {@code delay}}
   *
   * @param delay the delay
   */
  public static Fault latency(Duration delay) {
    return new Fault(Kind.LATENCY, 200, Objects.requireNonNull(delay, "delay"));
  }

  /**
   * {@return an error status (4xx/5xx) in the protocol's envelope}
   *
   * @param status the HTTP status
   */
  public static Fault status(int status) {
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("an error status is 400..599: " + status);
    }
    return new Fault(Kind.STATUS, status, Duration.ZERO);
  }

  /**
   * {@return the protocol's throttling response, with {@code retryAfter} as its hint}
   *
   * @param retryAfter how long the upstream asked to wait, or null
   */
  public static Fault throttle(Duration retryAfter) {
    return new Fault(Kind.THROTTLE, 429, Objects.requireNonNull(retryAfter, "retryAfter"));
  }

  /**
   * {@return the protocol's throttling response with {@code retryAfterHeader} sent verbatim as its
   * {@code Retry-After} header: a hostile or malformed hint ({@code 99999999999999999}, a date in
   * year 9999, {@code -5}, garbage)}
   *
   * @param retryAfterHeader the retry after header
   */
  public static Fault throttle(String retryAfterHeader) {
    Objects.requireNonNull(retryAfterHeader, "retryAfterHeader");
    return new Fault(Kind.THROTTLE, 429, Duration.ZERO, retryAfterHeader, null);
  }

  /** {@return a connection reset} */
  public static Fault connectionReset() {
    return new Fault(Kind.CONNECTION_RESET, 0, Duration.ZERO);
  }

  /** {@return a 200 with garbage} */
  public static Fault malformedBody() {
    return new Fault(Kind.MALFORMED_BODY, 200, Duration.ZERO);
  }

  /** {@return a 200 with half a body} */
  public static Fault truncatedBody() {
    return new Fault(Kind.TRUNCATED_BODY, 200, Duration.ZERO);
  }

  /**
   * {@return a 200 whose normal body is padded with {@link #HUGE_BODY_PADDING} bytes of whitespace,
   * past every bounded reader's limit}
   */
  public static Fault hugeBody() {
    return new Fault(Kind.HUGE_BODY, 200, Duration.ZERO);
  }

  /** {@return a success whose credential expired before it was sent} */
  public static Fault expiredCredential() {
    return new Fault(Kind.EXPIRED_CREDENTIAL, 200, Duration.ZERO);
  }

  /**
   * The normal response, held until {@code gate} opens: the request is received in full, then the
   * client waits in upstream I/O for as long as the test needs (to inspect the client's threads).
   * Waits on real time, bounded by the gate's {@code maxHold}; never on the virtual clock.
   *
   * @param gate the gate the test opens
   * @return the fault
   */
  public static Fault hold(Gate gate) {
    return new Fault(Kind.HOLD, 200, Duration.ZERO, null, Objects.requireNonNull(gate, "gate"));
  }

  /** {@return the gate of a {@link #hold(Gate)} fault, if this is one} */
  public Optional<Gate> gate() {
    return Optional.ofNullable(gate);
  }

  /** {@return the kind} */
  public Kind kind() {
    return kind;
  }

  /** {@return the HTTP status, for {@code STATUS} and {@code THROTTLE}} */
  public int status() {
    return status;
  }

  /** {@return the raw {@code Retry-After} header of a {@link #throttle(String)} fault, if any} */
  public Optional<String> rawRetryAfter() {
    return Optional.ofNullable(rawRetryAfter);
  }

  /** {@return the delay for {@code LATENCY}, the retry-after hint for {@code THROTTLE}} */
  public Duration duration() {
    return duration;
  }

  @Override
  public String toString() {
    return switch (kind) {
      case LATENCY -> "latency(" + duration + ")";
      case STATUS -> "status(" + status + ")";
      case THROTTLE ->
          "throttle(" + (rawRetryAfter != null ? '"' + rawRetryAfter + '"' : duration) + ")";
      default -> kind.name().toLowerCase(java.util.Locale.ROOT);
    };
  }
}
