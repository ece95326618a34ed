package dev.ephemera.core.audit.detect;

import dev.ephemera.core.audit.AuditError;
import dev.ephemera.core.audit.AuditEvent;
import dev.ephemera.core.audit.AuditEventType;
import dev.ephemera.core.audit.AuditListener;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Reports a source that keeps failing: {@link Builder#failures(int) failures} consecutive {@code
 * REFRESH_FAILED} events with no {@code ISSUED} or {@code RENEWED} between them (kind {@value
 * #FAILURE_STREAK}). It reports once per streak, at the event that reaches the threshold; a success
 * ends the streak. Other event types neither extend nor end it.
 *
 * <p>Defaults: 5 failures. At most {@code maxTracked} sources (100,000 by default) are tracked; the
 * least recently seen is forgotten. Time comes only from the events; {@code onEvent} never throws.
 */
public final class FailureStreakDetector implements AuditListener {
  /** Kind of the anomaly reported. */
  public static final String FAILURE_STREAK = "failure-streak";

  private static final class Streak {
    int failures;
    Instant since = Instant.EPOCH;
  }

  private final Anomalies anomalies;
  private final int failures;
  private final Map<String, Streak> sources;
  private final String threshold;

  private FailureStreakDetector(Builder b, AuditListener downstream) {
    this.anomalies = new Anomalies(downstream);
    this.failures = b.failures;
    this.sources = Anomalies.lru(b.maxTracked);
    this.threshold = Anomalies.facts("consecutiveFailures", b.failures);
  }

  /** {@return a builder with the default threshold} */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public void onEvent(AuditEvent event) {
    anomalies.observe(event, this::check);
  }

  /** {@return how many sources are tracked now} */
  int tracked() {
    return anomalies.locked(sources::size);
  }

  private void check(AuditEvent event, Anomalies.Findings found) {
    AuditEventType type = event.type();
    if (type == AuditEventType.ISSUED || type == AuditEventType.RENEWED) {
      Streak s = sources.get(event.source());
      if (s != null) {
        s.failures = 0;
      }
      return;
    }
    if (type != AuditEventType.REFRESH_FAILED) {
      return;
    }
    Streak s = sources.computeIfAbsent(event.source(), k -> new Streak());
    if (s.failures == 0) {
      s.since = event.time();
    }
    if (s.failures < Integer.MAX_VALUE) {
      s.failures++;
    }
    if (s.failures == failures) {
      String lastError = event.error().map(e -> e.type() + "/" + e.reason()).orElse("unknown");
      found.report(
          FAILURE_STREAK,
          Anomalies.facts(
              "consecutiveFailures",
              s.failures,
              "since",
              s.since,
              "duration",
              Duration.between(s.since, event.time()),
              "lastError",
              lastError,
              "terminal",
              event.error().map(AuditError::terminal).orElse(false)),
          threshold);
    }
  }

  /** Builds a {@link FailureStreakDetector}; each setting is checked when set. */
  public static final class Builder {
    private int failures = 5;
    private int maxTracked = Anomalies.DEFAULT_MAX_TRACKED;

    private Builder() {}

    /**
     * How many consecutive failures make a streak; at least 1; default 5.
     *
     * @param failures the count
     * @return this builder
     */
    public Builder failures(int failures) {
      this.failures = Anomalies.positive(failures, "failures");
      return this;
    }

    /**
     * The most sources tracked at once; at least 1; default 100,000.
     *
     * @param maxTracked the bound
     * @return this builder
     */
    public Builder maxTracked(int maxTracked) {
      this.maxTracked = Anomalies.positive(maxTracked, "maxTracked");
      return this;
    }

    /**
     * Builds the detector.
     *
     * @param downstream receives the {@code ANOMALY} events
     * @return the new {@code FailureStreakDetector}
     */
    public FailureStreakDetector build(AuditListener downstream) {
      return new FailureStreakDetector(this, Objects.requireNonNull(downstream, "downstream"));
    }
  }
}
