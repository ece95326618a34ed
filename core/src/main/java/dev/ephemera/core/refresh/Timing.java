package dev.ephemera.core.refresh;

import dev.ephemera.core.CredentialUnavailableException;
import java.time.Duration;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * One source's timing decisions: its {@link RefreshPolicy}'s durations, saturated once, put through
 * the arithmetic of {@link Schedule}, with the jitter drawn from the source's random generator. The
 * methods that draw ({@link #refreshOffsetNanos}, {@link #retryDelayNanos}) are not thread-safe, as
 * the generator need not be: the source calls them under its lock.
 */
final class Timing {
  private final RefreshPolicy policy;
  private final RandomGenerator random;
  private final long marginNanos;
  private final long initialBackoffNanos;
  private final long maxBackoffNanos;
  private final long terminalInitialBackoffNanos;
  private final long terminalMaxBackoffNanos;
  private final long maxRetryAfterNanos;

  Timing(RefreshPolicy policy, RandomGenerator random) {
    this.policy = policy;
    this.random = random;
    this.marginNanos = Schedule.nanos(policy.expiryMargin());
    this.initialBackoffNanos = Schedule.nanos(policy.initialBackoff());
    this.maxBackoffNanos = Schedule.nanos(policy.maxBackoff());
    this.terminalInitialBackoffNanos = Schedule.nanos(policy.terminalInitialBackoff());
    this.terminalMaxBackoffNanos = Schedule.nanos(policy.terminalMaxBackoff());
    this.maxRetryAfterNanos = Schedule.nanos(policy.maxRetryAfter());
  }

  /** How long a credential of {@code lifetime} is served: see {@link Schedule#serveNanos}. */
  long serveNanos(long lifetime, @Nullable Duration staleHint) {
    return Schedule.serveNanos(lifetime, marginNanos, staleHint);
  }

  /** When to refresh, from receipt, with a fresh jitter draw: see {@link Schedule}. */
  long refreshOffsetNanos(long lifetime, long serve, @Nullable Duration refreshHint) {
    double draw = policy.jitterFraction() > 0 ? random.nextDouble(-1, 1) : 0;
    return Schedule.refreshOffsetNanos(
        lifetime, serve, policy.refreshFraction(), policy.jitterFraction(), draw, refreshHint);
  }

  /**
   * When to retry after the {@code streak}-th failure in a row: a full-jitter backoff on the
   * terminal or the transient cadence, or the Retry-After {@code hint} (negative: none), never past
   * the {@code left} service time of the held credential (negative: none held).
   */
  long retryDelayNanos(CredentialUnavailableException error, int streak, long hint, long left) {
    long cap =
        error.isTerminal()
            ? Schedule.backoffCapNanos(terminalInitialBackoffNanos, terminalMaxBackoffNanos, streak)
            : Schedule.backoffCapNanos(initialBackoffNanos, maxBackoffNanos, streak);
    long backoff = Schedule.jittered(cap, random.nextDouble());
    return Schedule.retryDelayNanos(backoff, hint, maxRetryAfterNanos, left, initialBackoffNanos);
  }

  /** How long a Retry-After {@code hint} holds off forced attempts, given the planned delay. */
  long throttleNanos(long hint, long delay) {
    return Math.min(hint, Math.min(delay, maxRetryAfterNanos));
  }
}
