package dev.ephemera.core;

import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A point-in-time view of a {@link CredentialSource}, for health checks and dashboards. Contains no
 * secret.
 *
 * @param name the source's name
 * @param state where the source is in its life
 * @param credentialId the held credential's id, or {@code null} when none is held
 * @param expiresAt when the held credential stops being served (its expiry less the safety margin),
 *     or {@code null}
 * @param nextRefreshAt when the next refresh or retry is scheduled, or {@code null}
 * @param lastFailure the last refresh failure, or {@code null} after a success
 * @param failureStreak refresh failures since the last success
 * @param issuances issuances and renewals that succeeded since the source was built
 * @param failures refresh attempts that failed since the source was built
 */
public record SourceStatus(
    String name,
    SourceState state,
    @Nullable String credentialId,
    @Nullable Instant expiresAt,
    @Nullable Instant nextRefreshAt,
    @Nullable CredentialUnavailableException lastFailure,
    int failureStreak,
    long issuances,
    long failures) {

  /** The held credential's id, if any. */
  public Optional<String> heldCredentialId() {
    return Optional.ofNullable(credentialId);
  }

  /** True when a credential can be served right now. */
  public boolean isHealthy() {
    return state.isServing();
  }
}
