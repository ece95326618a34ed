package dev.ephemera.core.refresh;

import dev.ephemera.core.SourceState;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What a source serves, as one immutable value behind its one volatile field: {@code get()} reads
 * it and returns {@link #serving} with no lock, no allocation and no clock read. {@code serving} is
 * non-null exactly when it may be returned. The source replaces it, under its lock, on every
 * change: a new credential, a failure, the end of service, an invalidation, the close.
 *
 * @param <C> the credential type
 */
final class Snapshot<C> {
  final @Nullable C serving;

  /** {@code serving} as {@code current()} returns it, built once per snapshot, not per call. */
  final Optional<C> current;

  final SourceState state;

  /** The end of service on the ticker, and on the wall clock for display. */
  final long staleAtNanos;

  final @Nullable Instant staleAt;

  Snapshot(@Nullable C serving, SourceState state, long staleAtNanos, @Nullable Instant staleAt) {
    this.serving = serving;
    this.current = Optional.ofNullable(serving);
    this.state = state;
    this.staleAtNanos = staleAtNanos;
    this.staleAt = staleAt;
  }

  /** Nothing served, in {@code state} ({@code STARTING} or {@code CLOSED}). */
  static <C> Snapshot<C> empty(SourceState state) {
    return new Snapshot<>(null, state, Long.MIN_VALUE, null);
  }

  /** The same credential and end of service in {@code newState}, served only if it serves. */
  Snapshot<C> withState(SourceState newState) {
    return new Snapshot<>(newState.isServing() ? serving : null, newState, staleAtNanos, staleAt);
  }
}
