package dev.ephemera.core.refresh;

import dev.ephemera.core.Credential;
import dev.ephemera.core.CredentialConfigurationException;
import dev.ephemera.core.CredentialException;
import dev.ephemera.core.CredentialUnavailableException;
import dev.ephemera.core.CredentialUnavailableException.Reason;
import dev.ephemera.core.spi.ErrorText;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletionException;
import org.jspecify.annotations.Nullable;

/**
 * What the engine tells a caller when it has no credential for it: every throwable an attempt can
 * end in, from the issuer or any other collaborator, classified as one typed {@link
 * CredentialUnavailableException}, and the engine's own failures (closed, timed out, unsatisfiable)
 * worded once. A foreign exception becomes a transient {@link Reason#UNAVAILABLE} whose message and
 * causes are scrubbed of secrets.
 */
final class Failures {
  private Failures() {}

  /**
   * {@code t} as the engine reports it: typed, and with nothing secret in its message or causes.
   */
  static CredentialUnavailableException classify(Throwable t) {
    if (t instanceof CredentialUnavailableException c) {
      return c;
    }
    if (t instanceof CredentialConfigurationException c) {
      return new CredentialUnavailableException(Reason.CONFIGURATION, messageOf(c), c);
    }
    if (t instanceof CredentialException c) {
      return new CredentialUnavailableException(Reason.UNAVAILABLE, messageOf(c), c);
    }
    return new CredentialUnavailableException(
        Reason.UNAVAILABLE, "the issuer failed: " + ErrorText.describe(t), ErrorText.scrub(t));
  }

  /** What a future failed with, out of its {@link CompletionException}, classified. */
  static CredentialUnavailableException unwrap(@Nullable Throwable t) {
    Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    return cause == null
        ? new CredentialUnavailableException(Reason.UNAVAILABLE, "unknown failure")
        : classify(cause);
  }

  /** The message of {@code t}, or its simple class name when it has none. */
  static String messageOf(Throwable t) {
    String m = t.getMessage();
    return m == null ? t.getClass().getSimpleName() : m;
  }

  /** A fresh exception for one caller's stack, with the attempt's shared one as its cause. */
  static CredentialUnavailableException forCaller(CredentialUnavailableException shared) {
    return new CredentialUnavailableException(
        shared.reason(), messageOf(shared), shared.retryAfter().orElse(null), shared);
  }

  static CredentialUnavailableException closed(String source) {
    return new CredentialUnavailableException(Reason.CLOSED, "source '" + source + "' is closed");
  }

  static CredentialUnavailableException timedOut(String source, Duration waited) {
    return new CredentialUnavailableException(
        Reason.TIMEOUT, "no credential from source '" + source + "' within " + waited);
  }

  static CredentialUnavailableException interrupted(String source, InterruptedException e) {
    return new CredentialUnavailableException(
        Reason.TIMEOUT,
        "interrupted while waiting for a credential from source '" + source + "'",
        e);
  }

  static CredentialUnavailableException rejectedByExecutor(Throwable e) {
    return new CredentialUnavailableException(
        Reason.UNAVAILABLE,
        "the refresh executor rejected the attempt: " + ErrorText.describe(e),
        ErrorText.scrub(e));
  }

  /** The upstream returned a credential with no service time left. */
  static CredentialUnavailableException alreadyExpired(
      Credential fresh, @Nullable Instant upstreamTime, Instant now) {
    return new CredentialUnavailableException(
        Reason.MALFORMED_RESPONSE,
        "the upstream returned credential "
            + fresh.id()
            + " that had already expired (expiresAt "
            + fresh.expiresAt()
            + (upstreamTime != null ? ", upstream time " + upstreamTime : "")
            + ", now "
            + now
            + ")");
  }

  /** {@code get(minRemaining)} asked for more than the upstream has ever issued for. */
  static CredentialUnavailableException beyondUpstream(
      String source, Duration minRemaining, long mostNanos) {
    return new CredentialUnavailableException(
        Reason.CONFIGURATION,
        "source '"
            + source
            + "' cannot provide a credential valid for "
            + minRemaining
            + ": its upstream issues credentials served for at most "
            + Duration.ofNanos(mostNanos)
            + " (lifetime less the expiry margin); ask for less, or configure a longer"
            + " lifetime at the backend");
  }

  /** {@code get(minRemaining)}: the fresh credential the upstream issued is served for less. */
  static CredentialUnavailableException tooShort(
      String source, Duration minRemaining, @Nullable Instant servedUntil) {
    return new CredentialUnavailableException(
        Reason.UNAVAILABLE,
        "source '"
            + source
            + "' cannot provide a credential valid for "
            + minRemaining
            + ": the upstream issued one that is served until "
            + servedUntil);
  }
}
