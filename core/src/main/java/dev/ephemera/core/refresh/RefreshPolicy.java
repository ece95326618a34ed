package dev.ephemera.core.refresh;

import java.time.Duration;
import java.util.Objects;

/**
 * When to refresh and what to do when refreshing fails. Immutable; {@link #defaults()} or {@link
 * #builder()}.
 *
 * <table>
 *   <caption>Settings and defaults</caption>
 *   <tr><th>setting</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>refreshFraction</td><td>2/3</td><td>refresh when this much of the lifetime (measured
 *       from the local receive time) has passed</td></tr>
 *   <tr><td>jitterFraction</td><td>0.10</td><td>the refresh moment is spread uniformly by ± this
 *       fraction of the lifetime, so a fleet does not refresh in lockstep</td></tr>
 *   <tr><td>expiryMargin</td><td>60 s</td><td>stop serving a credential this long before its stated
 *       expiry (clock skew, in-flight requests); at most half the lifetime</td></tr>
 *   <tr><td>initialBackoff, maxBackoff</td><td>1 s, 60 s</td><td>transient failures: retry after
 *       a uniformly random delay up to initial·2<sup>n-1</sup>, capped (full jitter)</td></tr>
 *   <tr><td>terminalInitialBackoff, terminalMaxBackoff</td><td>30 s, 5 min</td><td>terminal
 *       failures (rejected identity or configuration): the same, slower — a rotated token file or a
 *       fixed trust policy may heal them</td></tr>
 *   <tr><td>acquireTimeout</td><td>30 s</td><td>how long {@code get()} waits when nothing valid is
 *       held</td></tr>
 *   <tr><td>minRenewalFraction</td><td>0.5</td><td>a renewal that leaves less than this fraction of
 *       the original lifetime (max TTL near) is replaced by a new issuance</td></tr>
 *   <tr><td>revokeDelay</td><td>0</td><td>grace before a superseded credential is revoked (lets
 *       pooled connections drain)</td></tr>
 *   <tr><td>maxRetryAfter</td><td>5 min</td><td>an upstream's Retry-After hint is honoured up to
 *       this long; a longer (or hostile) hint is cut to it</td></tr>
 * </table>
 *
 * <p>A retry is never scheduled past the held credential's end of service: a backoff or retry-after
 * hint that would overshoot it is cut to half the time left, so attempts continue while the
 * credential lasts. The backoff binds every caller: with nothing valid held, callers that arrive
 * before the next attempt is due fail fast with the last failure instead of calling the upstream.
 *
 * <p>Any duration is accepted up to {@link Duration}'s range; the engine saturates them, so a
 * setting of 300 years means "practically never", not an overflow.
 */
public final class RefreshPolicy {
  private static final RefreshPolicy DEFAULTS = builder().build();

  private final double refreshFraction;
  private final double jitterFraction;
  private final Duration expiryMargin;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final Duration terminalInitialBackoff;
  private final Duration terminalMaxBackoff;
  private final Duration acquireTimeout;
  private final double minRenewalFraction;
  private final Duration revokeDelay;
  private final Duration maxRetryAfter;

  private RefreshPolicy(Builder b) {
    this.refreshFraction = b.refreshFraction;
    this.jitterFraction = b.jitterFraction;
    this.expiryMargin = b.expiryMargin;
    this.initialBackoff = b.initialBackoff;
    this.maxBackoff = b.maxBackoff;
    this.terminalInitialBackoff = b.terminalInitialBackoff;
    this.terminalMaxBackoff = b.terminalMaxBackoff;
    this.acquireTimeout = b.acquireTimeout;
    this.minRenewalFraction = b.minRenewalFraction;
    this.revokeDelay = b.revokeDelay;
    this.maxRetryAfter = b.maxRetryAfter;
  }

  /** {@return the defaults described above} */
  public static RefreshPolicy defaults() {
    return DEFAULTS;
  }

  /** {@return a builder starting from the defaults} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return a builder starting from this policy} */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.refreshFraction = refreshFraction;
    b.jitterFraction = jitterFraction;
    b.expiryMargin = expiryMargin;
    b.initialBackoff = initialBackoff;
    b.maxBackoff = maxBackoff;
    b.terminalInitialBackoff = terminalInitialBackoff;
    b.terminalMaxBackoff = terminalMaxBackoff;
    b.acquireTimeout = acquireTimeout;
    b.minRenewalFraction = minRenewalFraction;
    b.revokeDelay = revokeDelay;
    b.maxRetryAfter = maxRetryAfter;
    return b;
  }

  /** {@return fraction of the lifetime after which to refresh} */
  public double refreshFraction() {
    return refreshFraction;
  }

  /** {@return ± fraction of the lifetime by which the refresh moment is spread} */
  public double jitterFraction() {
    return jitterFraction;
  }

  /** {@return how long before its stated expiry a credential stops being served} */
  public Duration expiryMargin() {
    return expiryMargin;
  }

  /**
   * How long a credential issued for {@code lifetime} is served under this policy: the lifetime
   * less the expiry margin (at most half the lifetime). The longest {@code get(minRemaining)} such
   * a credential can satisfy.
   *
   * @param lifetime the credential's whole lifetime; not negative
   * @return how long it is served
   * @throws IllegalArgumentException if {@code lifetime} is negative
   */
  public Duration servedFor(Duration lifetime) {
    Objects.requireNonNull(lifetime, "lifetime");
    if (lifetime.isNegative()) {
      throw new IllegalArgumentException("lifetime must not be negative: " + lifetime);
    }
    return Duration.ofNanos(
        Schedule.serveNanos(Schedule.nanos(lifetime), Schedule.nanos(expiryMargin), null));
  }

  /** {@return first retry bound after a transient failure} */
  public Duration initialBackoff() {
    return initialBackoff;
  }

  /** {@return largest retry bound after transient failures} */
  public Duration maxBackoff() {
    return maxBackoff;
  }

  /** {@return first retry bound after a terminal failure} */
  public Duration terminalInitialBackoff() {
    return terminalInitialBackoff;
  }

  /** {@return largest retry bound after terminal failures} */
  public Duration terminalMaxBackoff() {
    return terminalMaxBackoff;
  }

  /** {@return how long a caller waits when nothing valid is held} */
  public Duration acquireTimeout() {
    return acquireTimeout;
  }

  /**
   * {@return renewals leaving less than this fraction of the original lifetime trigger a new
   * issuance}
   */
  public double minRenewalFraction() {
    return minRenewalFraction;
  }

  /** {@return grace before a superseded credential is revoked} */
  public Duration revokeDelay() {
    return revokeDelay;
  }

  /**
   * {@return the longest upstream Retry-After hint that is honoured; longer hints are cut to it}
   */
  public Duration maxRetryAfter() {
    return maxRetryAfter;
  }

  @Override
  public String toString() {
    return "RefreshPolicy[refreshFraction="
        + refreshFraction
        + ", jitterFraction="
        + jitterFraction
        + ", expiryMargin="
        + expiryMargin
        + ", backoff="
        + initialBackoff
        + ".."
        + maxBackoff
        + ", terminalBackoff="
        + terminalInitialBackoff
        + ".."
        + terminalMaxBackoff
        + ", acquireTimeout="
        + acquireTimeout
        + ", minRenewalFraction="
        + minRenewalFraction
        + ", revokeDelay="
        + revokeDelay
        + ", maxRetryAfter="
        + maxRetryAfter
        + "]";
  }

  /** Builds a {@link RefreshPolicy}; every setter validates its argument and names it. */
  public static final class Builder {
    private double refreshFraction = 2.0 / 3.0;
    private double jitterFraction = 0.10;
    private Duration expiryMargin = Duration.ofSeconds(60);
    private Duration initialBackoff = Duration.ofSeconds(1);
    private Duration maxBackoff = Duration.ofSeconds(60);
    private Duration terminalInitialBackoff = Duration.ofSeconds(30);
    private Duration terminalMaxBackoff = Duration.ofMinutes(5);
    private Duration acquireTimeout = Duration.ofSeconds(30);
    private double minRenewalFraction = 0.5;
    private Duration revokeDelay = Duration.ZERO;
    private Duration maxRetryAfter = Duration.ofMinutes(5);

    private Builder() {}

    /**
     * Refresh after this fraction of the lifetime; in (0, 1).
     *
     * @param fraction the fraction
     * @return this builder
     */
    public Builder refreshFraction(double fraction) {
      require(fraction > 0 && fraction < 1, "refreshFraction must be in (0, 1): " + fraction);
      this.refreshFraction = fraction;
      return this;
    }

    /**
     * Spread refreshes by ± this fraction of the lifetime; in [0, 0.5).
     *
     * @param fraction the fraction
     * @return this builder
     */
    public Builder jitterFraction(double fraction) {
      require(fraction >= 0 && fraction < 0.5, "jitterFraction must be in [0, 0.5): " + fraction);
      this.jitterFraction = fraction;
      return this;
    }

    /**
     * Stop serving this long before the stated expiry; not negative.
     *
     * @param margin the margin
     * @return this builder
     */
    public Builder expiryMargin(Duration margin) {
      this.expiryMargin = nonNegative(margin, "expiryMargin");
      return this;
    }

    /**
     * Retry bounds for transient failures; positive, initial ≤ max.
     *
     * @param initial the initial
     * @param max the max
     * @return this builder
     */
    public Builder backoff(Duration initial, Duration max) {
      positive(initial, "initialBackoff");
      positive(max, "maxBackoff");
      require(initial.compareTo(max) <= 0, "initialBackoff must not exceed maxBackoff");
      this.initialBackoff = initial;
      this.maxBackoff = max;
      return this;
    }

    /**
     * Retry bounds for terminal failures; positive, initial ≤ max.
     *
     * @param initial the initial
     * @param max the max
     * @return this builder
     */
    public Builder terminalBackoff(Duration initial, Duration max) {
      positive(initial, "terminalInitialBackoff");
      positive(max, "terminalMaxBackoff");
      require(
          initial.compareTo(max) <= 0, "terminalInitialBackoff must not exceed terminalMaxBackoff");
      this.terminalInitialBackoff = initial;
      this.terminalMaxBackoff = max;
      return this;
    }

    /**
     * How long {@code get()} waits when nothing valid is held; positive.
     *
     * @param timeout how long {@code get()} waits when nothing valid is held; positive
     * @return this builder
     */
    public Builder acquireTimeout(Duration timeout) {
      this.acquireTimeout = positive(timeout, "acquireTimeout");
      return this;
    }

    /**
     * Replace renewals leaving less than this fraction of the first lifetime; in [0, 1].
     *
     * @param fraction the fraction
     * @return this builder
     */
    public Builder minRenewalFraction(double fraction) {
      require(fraction >= 0 && fraction <= 1, "minRenewalFraction must be in [0, 1]: " + fraction);
      this.minRenewalFraction = fraction;
      return this;
    }

    /**
     * Grace before revoking a superseded credential; not negative.
     *
     * @param delay grace before revoking a superseded credential; not negative
     * @return this builder
     */
    public Builder revokeDelay(Duration delay) {
      this.revokeDelay = nonNegative(delay, "revokeDelay");
      return this;
    }

    /**
     * The longest Retry-After hint honoured; positive. Longer hints are cut to it.
     *
     * @param max the longest Retry-After hint honoured; positive
     * @return this builder
     */
    public Builder maxRetryAfter(Duration max) {
      this.maxRetryAfter = positive(max, "maxRetryAfter");
      return this;
    }

    /**
     * Builds the policy.
     *
     * @return the new {@code RefreshPolicy}
     */
    public RefreshPolicy build() {
      return new RefreshPolicy(this);
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      require(!d.isNegative() && !d.isZero(), name + " must be positive: " + d);
      return d;
    }

    private static Duration nonNegative(Duration d, String name) {
      Objects.requireNonNull(d, name);
      require(!d.isNegative(), name + " must not be negative: " + d);
      return d;
    }

    private static void require(boolean ok, String message) {
      if (!ok) {
        throw new IllegalArgumentException(message);
      }
    }
  }
}
