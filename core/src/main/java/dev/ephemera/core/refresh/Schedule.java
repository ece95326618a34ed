package dev.ephemera.core.refresh;

import dev.ephemera.core.Credential;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The engine's schedule arithmetic as pure functions. Every duration is saturated, never
 * overflowed: no setting, upstream hint or clock reading can make these throw.
 */
final class Schedule {
  /** No deadline: a window that is never open. */
  static final long NONE = Long.MIN_VALUE;

  /** The least a retry waits, so a zero backoff never becomes a hot loop. */
  static final long MIN_RETRY_NANOS = 1_000_000L;

  private Schedule() {}

  /** {@code d} in nanoseconds, saturated at {@link Long#MAX_VALUE} / {@link Long#MIN_VALUE}. */
  static long nanos(Duration d) {
    long seconds = d.getSeconds();
    if (seconds > Long.MAX_VALUE / 1_000_000_000L - 1) {
      return Long.MAX_VALUE;
    }
    if (seconds < Long.MIN_VALUE / 1_000_000_000L + 1) {
      return Long.MIN_VALUE;
    }
    return seconds * 1_000_000_000L + d.getNano();
  }

  /** {@code a + b}, saturated. */
  static long add(long a, long b) {
    long r = a + b;
    if (((a ^ r) & (b ^ r)) < 0) {
      return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
    return r;
  }

  /** {@code a - b}, saturated. */
  static long subtract(long a, long b) {
    long r = a - b;
    if (((a ^ b) & (a ^ r)) < 0) {
      return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
    return r;
  }

  /**
   * How long {@code c} lives from the moment it was received. With the upstream's clock known, the
   * server-relative lifetime {@code expiresAt - upstreamTime}: the local wall clock is not
   * consulted, so a local clock off in either direction neither stops the backend nor stretches the
   * credential past the upstream's own expiry. Without it, the pessimistic reading of the stated
   * lifetime and the local clock.
   */
  static long lifetimeNanos(Credential c, Instant localNow, @Nullable Instant upstreamTime) {
    if (upstreamTime != null) {
      return nanos(Duration.between(upstreamTime, c.expiresAt()));
    }
    long stated = nanos(Duration.between(c.issuedAt(), c.expiresAt()));
    long local = nanos(Duration.between(localNow, c.expiresAt()));
    return Math.min(stated, local);
  }

  /**
   * How long a credential of {@code lifetime} is served: less the margin (at most half the
   * lifetime), and no longer than the upstream's stale hint.
   */
  static long serveNanos(long lifetime, long marginNanos, @Nullable Duration staleIn) {
    long serve = lifetime - Math.min(marginNanos, lifetime / 2);
    return staleIn == null ? serve : Math.min(serve, nanos(staleIn));
  }

  /**
   * When to refresh, counted from receipt: {@code fraction} of the lifetime, moved by {@code
   * jitterDraw} (in [-1, 1)) times {@code jitterFraction} of it; never at or after 90% of the
   * service time, never later than the upstream's hint.
   */
  static long refreshOffsetNanos(
      long lifetime,
      long serve,
      double fraction,
      double jitterFraction,
      double jitterDraw,
      @Nullable Duration hint) {
    double offset = (fraction + jitterFraction * jitterDraw) * lifetime;
    long at = (long) Math.max(0, Math.min(offset, serve * 0.9));
    return hint == null ? at : Math.max(0, Math.min(at, nanos(hint)));
  }

  /** The full-jitter bound after {@code streak} failures: initial doubled per failure, capped. */
  static long backoffCapNanos(long initial, long max, int streak) {
    long cap = Math.max(1, initial);
    for (int i = 1; i < streak && cap < max; i++) {
      cap = cap > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : cap * 2;
    }
    return Math.min(cap, max);
  }

  /** A full-jitter draw: {@code uniform} (in [0, 1)) times the cap, at least a millisecond. */
  static long jittered(long cap, double uniform) {
    return Math.max(MIN_RETRY_NANOS, (long) (uniform * cap));
  }

  /**
   * When to retry after a failure: the backoff, or the upstream's Retry-After (capped at {@code
   * maxHint}) if longer; with a credential held ({@code left >= 0}), never past its end of service:
   * a delay that would overshoot is cut to half the time left (all of it under {@code
   * initialBackoff}), so attempts go on while the credential lasts.
   *
   * @param hint the Retry-After in nanoseconds, or negative when there is none
   * @param left the held credential's remaining service time, or negative when none is held
   */
  static long retryDelayNanos(long backoff, long hint, long maxHint, long left, long initial) {
    long delay = hint >= 0 ? Math.max(backoff, Math.min(hint, maxHint)) : backoff;
    if (left >= 0 && delay > left) {
      delay = left < initial ? left : left / 2;
    }
    return Math.max(0, delay);
  }
}
