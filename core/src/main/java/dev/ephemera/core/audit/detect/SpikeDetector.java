package dev.ephemera.core.audit.detect;

import dev.ephemera.core.audit.AuditEvent;
import dev.ephemera.core.audit.AuditEventType;
import dev.ephemera.core.audit.AuditListener;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Reports a burst of issuance or of failures against each source's own baseline.
 *
 * <p>Per source, it counts {@code ISSUED} and {@code RENEWED} events, and separately {@code
 * REFRESH_FAILED} events, in fixed windows of {@link Builder#window(Duration) window} (aligned to
 * the epoch, in the events' own time). The baseline is an exponentially weighted mean of the
 * earlier windows' counts (weight {@link Builder#smoothing(double) smoothing} for the newest, empty
 * windows counting as zero). As soon as the current window's count exceeds {@code max(minimumCount,
 * factor × baseline)} it reports, once per window, an {@code issuance-spike} or a {@code
 * failure-spike}. A source's first window has no baseline, so only {@code minimumCount} applies
 * there.
 *
 * <p>Defaults: window 5 minutes, factor 3, minimum count 10, smoothing 0.3. At most {@code
 * maxTracked} sources (100,000 by default) are tracked; the least recently seen is forgotten, and
 * starts again without a baseline when it comes back. Time comes only from the events; {@code
 * onEvent} never throws.
 */
public final class SpikeDetector implements AuditListener {
  /** Kind of the anomaly reported for a burst of {@code ISSUED}/{@code RENEWED} events. */
  public static final String ISSUANCE_SPIKE = "issuance-spike";

  /** Kind of the anomaly reported for a burst of {@code REFRESH_FAILED} events. */
  public static final String FAILURE_SPIKE = "failure-spike";

  /** One count of one source: the current window and the baseline of the earlier ones. */
  private static final class Counter {
    long window = Long.MIN_VALUE;
    long count;
    double baseline;
    boolean hasBaseline;
    boolean fired;
  }

  private static final class State {
    final Counter issued = new Counter();
    final Counter failed = new Counter();
  }

  private final Anomalies anomalies;
  private final long windowSeconds;
  private final double factor;
  private final long minimumCount;
  private final double smoothing;
  private final Map<String, State> sources;
  private final String threshold;

  private SpikeDetector(Builder b, AuditListener downstream) {
    this.anomalies = new Anomalies(downstream);
    this.windowSeconds = Math.max(1, b.window.getSeconds());
    this.factor = b.factor;
    this.minimumCount = b.minimumCount;
    this.smoothing = b.smoothing;
    this.sources = Anomalies.lru(b.maxTracked);
    this.threshold =
        Anomalies.facts(
            "window", Duration.ofSeconds(windowSeconds),
            "factor", b.factor,
            "minimumCount", b.minimumCount,
            "smoothing", b.smoothing);
  }

  /** {@return a builder with the default thresholds} */
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
    boolean issuance = type == AuditEventType.ISSUED || type == AuditEventType.RENEWED;
    if (!issuance && type != AuditEventType.REFRESH_FAILED) {
      return;
    }
    State state = sources.computeIfAbsent(event.source(), s -> new State());
    Counter c = issuance ? state.issued : state.failed;
    long window = Math.floorDiv(event.time().getEpochSecond(), windowSeconds);
    if (window > c.window) {
      roll(c, window);
    } // an event late for its window counts in the current one
    c.count++;
    double limit = Math.max(minimumCount, factor * c.baseline);
    if (!c.fired && c.count > limit) {
      c.fired = true;
      found.report(
          issuance ? ISSUANCE_SPIKE : FAILURE_SPIKE,
          Anomalies.facts(
              issuance ? "issuedOrRenewed" : "refreshFailed",
              c.count,
              "windowStart",
              Instant.ofEpochSecond(c.window * windowSeconds),
              "baseline",
              String.format(Locale.ROOT, "%.2f", c.baseline),
              "limit",
              String.format(Locale.ROOT, "%.2f", limit)),
          threshold);
    }
  }

  /** Closes the counter's window into its baseline and opens {@code window}. */
  private void roll(Counter c, long window) {
    if (c.window != Long.MIN_VALUE) {
      if (c.hasBaseline) {
        c.baseline = smoothing * c.count + (1 - smoothing) * c.baseline;
      } else {
        c.baseline = c.count;
        c.hasBaseline = true;
      }
      long emptyWindows = window - c.window - 1;
      if (emptyWindows > 0) {
        c.baseline *= Math.pow(1 - smoothing, emptyWindows);
      }
    }
    c.window = window;
    c.count = 0;
    c.fired = false;
  }

  /** Builds a {@link SpikeDetector}; each setting is checked when set. */
  public static final class Builder {
    private Duration window = Duration.ofMinutes(5);
    private double factor = 3;
    private long minimumCount = 10;
    private double smoothing = 0.3;
    private int maxTracked = Anomalies.DEFAULT_MAX_TRACKED;

    private Builder() {}

    /**
     * The counting window, whole seconds, at least 1 s; default 5 minutes.
     *
     * @param window the window
     * @return this builder
     */
    public Builder window(Duration window) {
      Objects.requireNonNull(window, "window");
      Anomalies.require(window.getSeconds() >= 1, "window must be at least 1 s: " + window);
      this.window = window;
      return this;
    }

    /**
     * How many times the baseline a window must exceed; finite and at least 1; default 3.
     *
     * @param factor the factor
     * @return this builder
     */
    public Builder factor(double factor) {
      Anomalies.require(
          Double.isFinite(factor) && factor >= 1,
          "factor must be finite and at least 1: " + factor);
      this.factor = factor;
      return this;
    }

    /**
     * The count a window must exceed whatever the baseline; at least 1; default 10.
     *
     * @param minimumCount the minimum count
     * @return this builder
     */
    public Builder minimumCount(long minimumCount) {
      Anomalies.require(minimumCount >= 1, "minimumCount must be at least 1: " + minimumCount);
      this.minimumCount = minimumCount;
      return this;
    }

    /**
     * The weight of the newest window in the baseline; in (0, 1]; default 0.3.
     *
     * @param smoothing the weight
     * @return this builder
     */
    public Builder smoothing(double smoothing) {
      Anomalies.require(
          smoothing > 0 && smoothing <= 1, "smoothing must be in (0, 1]: " + smoothing);
      this.smoothing = smoothing;
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
     * @return the new {@code SpikeDetector}
     */
    public SpikeDetector build(AuditListener downstream) {
      return new SpikeDetector(this, Objects.requireNonNull(downstream, "downstream"));
    }
  }
}
