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
 * @param auditEventsDropped audit events of this source that some listener did not get (its queue
 *     was full, it was stuck, or the event could not be built); visible here without any listener
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
    long failures,
    long auditEventsDropped) {

  /**
   * A status with no audit events dropped.
   *
   * @param name the source's name
   * @param state where the source is in its life
   * @param credentialId the held credential's id, or {@code null} when none is held
   * @param expiresAt when the held credential stops being served (its expiry less the safety
   *     margin), or {@code null}
   * @param nextRefreshAt when the next refresh or retry is scheduled, or {@code null}
   * @param lastFailure the last refresh failure, or {@code null} after a success
   * @param failureStreak refresh failures since the last success
   * @param issuances issuances and renewals that succeeded since the source was built
   * @param failures refresh attempts that failed since the source was built
   */
  public SourceStatus(
      String name,
      SourceState state,
      @Nullable String credentialId,
      @Nullable Instant expiresAt,
      @Nullable Instant nextRefreshAt,
      @Nullable CredentialUnavailableException lastFailure,
      int failureStreak,
      long issuances,
      long failures) {
    this(
        name,
        state,
        credentialId,
        expiresAt,
        nextRefreshAt,
        lastFailure,
        failureStreak,
        issuances,
        failures,
        0);
  }

  /** {@return the held credential's id, if any} */
  public Optional<String> heldCredentialId() {
    return Optional.ofNullable(credentialId);
  }

  /** {@return true when a credential can be served right now} */
  public boolean isHealthy() {
    return state.isServing();
  }
}
