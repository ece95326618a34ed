package dev.ephemera.testkit.vault;

import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of one dynamic-secret lease the emulator issued. Never contains the secret.
 *
 * @param leaseId the lease id
 * @param path the secret path it was read from, e.g. {@code database/creds/app}
 * @param tokenAccessor the accessor of the token that created it (it dies with that token)
 * @param issuedAt when it was issued
 * @param expiresAt when its current TTL ends
 * @param maxExpiresAt when its max TTL ends
 * @param renewals how many renewals succeeded
 * @param ending how it ended, or {@link Ending#ALIVE}
 * @param endedAt when it ended, or {@code null} while alive
 */
public record LeaseState(
    String leaseId,
    String path,
    String tokenAccessor,
    Instant issuedAt,
    Instant expiresAt,
    Instant maxExpiresAt,
    int renewals,
    Ending ending,
    @Nullable Instant endedAt) {

  /** {@return true while the lease is valid} */
  public boolean alive() {
    return ending == Ending.ALIVE;
  }

  /** {@return when it ended, if it did} */
  public Optional<Instant> ended() {
    return Optional.ofNullable(endedAt);
  }
}
