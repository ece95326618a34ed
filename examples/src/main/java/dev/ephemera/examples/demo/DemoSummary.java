package dev.ephemera.examples.demo;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What a demo run showed.
 *
 * @param issued ISSUED events (first issuances and rotations)
 * @param renewed RENEWED events
 * @param outageFailures REFRESH_FAILED events of attempts made during the outage, by backend
 * @param otherFailures REFRESH_FAILED events of attempts made outside the outage (expected: none)
 * @param expired EXPIRED events
 * @param revoked successful REVOKED events
 * @param secretReads SECRET_READ events
 * @param rotations rotations the sources' subscribers were told of
 * @param calls calls the workload made through the vendor adapters
 * @param callerErrors calls that got an error (expected: zero)
 * @param outageFrom when the outage began (when there was none: when it was planned)
 * @param outageUntil when it ended
 * @param outageBackends the backends the outage took down
 * @param spared backends the outage left up, each with the reason
 * @param timeline where the picture was drawn, or null
 * @param problems story checks that failed, one line each (expected: none)
 */
public record DemoSummary(
    long issued,
    long renewed,
    Map<String, Long> outageFailures,
    long otherFailures,
    long expired,
    long revoked,
    long secretReads,
    long rotations,
    long calls,
    long callerErrors,
    Instant outageFrom,
    Instant outageUntil,
    List<String> outageBackends,
    Map<String, String> spared,
    @Nullable String timeline,
    List<String> problems) {

  /** Refresh failures during the outage, all backends. */
  public long outageFailureCount() {
    return outageFailures.values().stream().mapToLong(Long::longValue).sum();
  }

  /** True when every caller got a credential and every part of the story happened. */
  public boolean ok() {
    return callerErrors == 0 && problems.isEmpty() && calls > 0;
  }
}
