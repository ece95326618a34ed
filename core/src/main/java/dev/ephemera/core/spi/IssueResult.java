package dev.ephemera.core.spi;

import dev.ephemera.core.Credential;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A credential together with what its upstream said about time, in the spirit of the AWS SDK's
 * {@code RefreshResult}. Immutable; start from {@link #of(Credential)}.
 *
 * <ul>
 *   <li>{@link #upstreamTime()}: the upstream's clock when it answered (the HTTP {@code Date}
 *       header, a token's {@code iat}). With it, a credential stamped with an absolute expiry is
 *       served for {@code expiresAt - upstreamTime}, measured on the local ticker from receipt, so
 *       a local wall clock that is off in either direction neither stops the backend nor stretches
 *       the credential past the upstream's own expiry.
 *   <li>{@link #refreshIn()}: when, counted from receipt, the upstream wants the next refresh
 *       (Entra's {@code refresh_in}). The engine refreshes at the earlier of its own schedule and
 *       this hint.
 *   <li>{@link #staleIn()}: when, counted from receipt, the credential must no longer be served.
 *       The engine stops serving at the earlier of its own end of service and this hint.
 * </ul>
 *
 * @param <C> the credential type
 */
public final class IssueResult<C extends Credential> {
  private final C credential;
  private final @Nullable Instant upstreamTime;
  private final @Nullable Duration refreshIn;
  private final @Nullable Duration staleIn;

  private IssueResult(
      C credential,
      @Nullable Instant upstreamTime,
      @Nullable Duration refreshIn,
      @Nullable Duration staleIn) {
    this.credential = Objects.requireNonNull(credential, "credential");
    this.upstreamTime = upstreamTime;
    this.refreshIn = refreshIn;
    this.staleIn = staleIn;
  }

  /**
   * {@return a result that carries only the credential}
   *
   * @param <C> the credential type
   * @param credential the credential
   */
  public static <C extends Credential> IssueResult<C> of(C credential) {
    return new IssueResult<>(credential, null, null, null);
  }

  /**
   * {@return the same result with the upstream's clock at the time it answered; null clears it}
   *
   * @param time the virtual time
   */
  public IssueResult<C> withUpstreamTime(@Nullable Instant time) {
    return new IssueResult<>(credential, time, refreshIn, staleIn);
  }

  /**
   * {@return the same result with the upstream's refresh hint, counted from receipt; null clears
   * it}
   *
   * @param hint the hint
   * @throws IllegalArgumentException if the hint is negative
   */
  public IssueResult<C> withRefreshIn(@Nullable Duration hint) {
    return new IssueResult<>(credential, upstreamTime, nonNegative(hint, "refreshIn"), staleIn);
  }

  /**
   * {@return the same result with the upstream's stale time, counted from receipt; null clears it}
   *
   * @param hint the hint
   * @throws IllegalArgumentException if the hint is negative
   */
  public IssueResult<C> withStaleIn(@Nullable Duration hint) {
    return new IssueResult<>(credential, upstreamTime, refreshIn, nonNegative(hint, "staleIn"));
  }

  /** {@return the credential} */
  public C credential() {
    return credential;
  }

  /** {@return the upstream's clock when it answered, if known} */
  public Optional<Instant> upstreamTime() {
    return Optional.ofNullable(upstreamTime);
  }

  /** {@return when the upstream wants the next refresh, counted from receipt, if it said} */
  public Optional<Duration> refreshIn() {
    return Optional.ofNullable(refreshIn);
  }

  /**
   * {@return when the credential must stop being served, counted from receipt, if the upstream
   * said}
   */
  public Optional<Duration> staleIn() {
    return Optional.ofNullable(staleIn);
  }

  private static @Nullable Duration nonNegative(@Nullable Duration d, String name) {
    if (d != null && d.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative: " + d);
    }
    return d;
  }

  @Override
  public String toString() {
    return "IssueResult[credential="
        + credential.id()
        + ", upstreamTime="
        + upstreamTime
        + ", refreshIn="
        + refreshIn
        + ", staleIn="
        + staleIn
        + "]";
  }
}
