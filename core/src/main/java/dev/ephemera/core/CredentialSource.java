package dev.ephemera.core;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * What an application holds: a credential that is valid now, kept fresh in memory.
 *
 * <p>While a valid credential is held, {@link #get()} returns it without I/O, locking or
 * allocation; refreshes happen ahead of expiry on a background scheduler. Only when nothing valid
 * is held does a caller wait, boundedly, on the single issuance in flight.
 *
 * <p>Implementations are thread-safe. {@link #close()} stops refreshing, revokes what can be
 * revoked and drops every reference to secret material.
 *
 * @param <C> the credential type
 */
public interface CredentialSource<C extends Credential> extends AutoCloseable {

  /**
   * {@return a credential that is valid now}
   *
   * @throws CredentialUnavailableException if none could be had within the source's acquire
   *     timeout, or the source is closed
   */
  C get();

  /**
   * {@return a credential that stays valid for at least {@code minRemaining}: for presigned URLs
   * and long jobs} Refreshes early when the held one would not last.
   *
   * @param minRemaining how long the credential must stay valid; not negative
   * @throws CredentialUnavailableException if no credential lasting that long could be had
   * @throws IllegalArgumentException if {@code minRemaining} is negative
   */
  C get(Duration minRemaining);

  /** {@return {@link #get()} without blocking the caller} */
  CompletableFuture<C> getAsync();

  /** {@return the credential held right now, if it is valid; never waits and never does I/O} */
  Optional<C> current();

  /**
   * Starts a new issuance now (or joins the one in flight) while the held credential keeps being
   * served; the future completes with the new credential.
   *
   * @return a future completed with the new credential
   */
  CompletableFuture<C> refresh();

  /**
   * Stops serving the held credential at once (it is known to be bad, for example the upstream's
   * trust was changed) and starts a new issuance. Callers wait for the new one.
   *
   * @return a future completed with the new credential
   */
  CompletableFuture<C> invalidate();

  /** {@return state, expiry, next refresh, last failure and failure streak} */
  SourceStatus status();

  /**
   * Registers a callback told after every rotation (a change of credential id), on a background
   * thread, outside any lock. A callback that throws is isolated; the others still run.
   *
   * @param onRotation the on rotation
   * @return a subscription; closing it stops the callbacks
   */
  Subscription subscribe(Consumer<? super C> onRotation);

  /** {@return the name this source reports in status and audit events} */
  String name();

  /** Stops refreshing, revokes what can be revoked, drops every reference. Idempotent. */
  @Override
  void close();
}
