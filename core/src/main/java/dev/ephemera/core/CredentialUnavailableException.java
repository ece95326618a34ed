package dev.ephemera.core;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * No valid credential could be had. {@link #reason()} says why, and whether trying again soon can
 * help: {@link Reason#isTerminal() terminal} reasons mean the upstream refused our identity or our
 * configuration, transient ones mean it could not answer.
 */
public final class CredentialUnavailableException extends CredentialException {
  private static final long serialVersionUID = 1L;

  /** Why a credential is unavailable. */
  public enum Reason {
    /** Our own settings are wrong (a missing file, a bad role name). Terminal. */
    CONFIGURATION(true),
    /** The upstream rejected our identity or request (invalid token, access denied). Terminal. */
    REJECTED(true),
    /** The upstream could not be reached or failed (connection refused, 5xx, sealed). */
    UNAVAILABLE(false),
    /** The upstream asked us to slow down; {@link #retryAfter()} may say for how long. */
    THROTTLED(false),
    /** The upstream answered with something we cannot parse. */
    MALFORMED_RESPONSE(false),
    /** The upstream, or the in-flight issuance we waited on, took too long. */
    TIMEOUT(false),
    /** The source was closed. Terminal. */
    CLOSED(true);

    private final boolean terminal;

    Reason(boolean terminal) {
      this.terminal = terminal;
    }

    /**
     * {@return true when retrying soon cannot help without a change of identity or configuration}
     */
    public boolean isTerminal() {
      return terminal;
    }
  }

  /** Why no credential is available. */
  private final Reason reason;

  /** How long the upstream asked us to wait, if it said. */
  private final @Nullable Duration retryAfter;

  /**
   * An exception with a reason and a message.
   *
   * @param reason why no credential is available
   * @param message the message, with no secret in it
   */
  public CredentialUnavailableException(Reason reason, String message) {
    this(reason, message, null, null);
  }

  /**
   * An exception with a reason, a message and a cause.
   *
   * @param reason why no credential is available
   * @param message the message, with no secret in it
   * @param cause the underlying failure
   */
  public CredentialUnavailableException(Reason reason, String message, @Nullable Throwable cause) {
    this(reason, message, null, cause);
  }

  /**
   * An exception with everything.
   *
   * @param reason why no credential is available
   * @param message the message, with no secret in it
   * @param cause the underlying failure
   * @param retryAfter the upstream's hint of when to try again, or {@code null}
   */
  public CredentialUnavailableException(
      Reason reason, String message, @Nullable Duration retryAfter, @Nullable Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
    if (retryAfter != null && retryAfter.isNegative()) {
      throw new IllegalArgumentException("retryAfter must not be negative: " + retryAfter);
    }
    this.retryAfter = retryAfter;
  }

  /** {@return why no credential is available} */
  public Reason reason() {
    return reason;
  }

  /** {@return the upstream's hint of when to try again (a throttling response's Retry-After)} */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  /** {@return shorthand for {@code reason().isTerminal()}} */
  public boolean isTerminal() {
    return reason.isTerminal();
  }
}
