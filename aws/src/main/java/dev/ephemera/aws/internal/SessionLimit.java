package dev.ephemera.aws.internal;

import java.time.Duration;
import java.util.Objects;

/**
 * The longest a source's credentials are served, known when it is built: the session it asks STS
 * for, less the engine's expiry margin. {@code setting} names what lengthens it.
 *
 * @param session the requested session ({@code DurationSeconds})
 * @param served how long a fresh credential of that session is served
 * @param setting the builder method or environment variable that set {@code session}
 */
public record SessionLimit(Duration session, Duration served, String setting) {

  /** Validates that no field is null. */
  public SessionLimit {
    Objects.requireNonNull(session, "session");
    Objects.requireNonNull(served, "served");
    Objects.requireNonNull(setting, "setting");
  }
}
