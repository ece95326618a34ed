package dev.ephemera.vault.internal;

import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What Vault answered to one call: the status, the body (may be empty) and the Retry-After hint.
 *
 * @param status the HTTP status
 * @param body the body text
 * @param retryAfter the parsed {@code Retry-After} header, or {@code null}
 */
record Reply(int status, String body, @Nullable Duration retryAfter) {

  /** True for 2xx. */
  public boolean ok() {
    return status >= 200 && status < 300;
  }

  /** The Retry-After hint, if any. */
  public Optional<Duration> retryAfterHint() {
    return Optional.ofNullable(retryAfter);
  }

  @Override
  public String toString() {
    return "Reply[status=" + status + "]";
  }
}
