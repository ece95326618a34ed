package dev.ephemera.testkit.vault;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of one token the emulator issued. Never contains the token itself.
 *
 * @param accessor the token's accessor
 * @param authPath the login path, e.g. {@code auth/kubernetes/login}
 * @param role the role it logged in with
 * @param policies its policies
 * @param issuedAt when it was issued
 * @param expiresAt when its current TTL ends
 * @param maxExpiresAt when its max TTL ends
 * @param renewals how many renew-self calls succeeded
 * @param ending how it ended, or {@link Ending#ALIVE}
 * @param endedAt when it ended, or {@code null} while alive
 */
public record TokenState(
    String accessor,
    String authPath,
    String role,
    List<String> policies,
    Instant issuedAt,
    Instant expiresAt,
    Instant maxExpiresAt,
    int renewals,
    Ending ending,
    @Nullable Instant endedAt) {

  /**
   * Copies the list.
   *
   * @param accessor the token's accessor
   * @param authPath the login path, e.g. {@code auth/kubernetes/login}
   * @param endedAt when it ended, or {@code null} while alive
   * @param ending how it ended, or {@link Ending#ALIVE}
   * @param expiresAt when its current TTL ends
   * @param issuedAt when it was issued
   * @param maxExpiresAt when its max TTL ends
   * @param policies its policies
   * @param renewals how many renew-self calls succeeded
   * @param role the role it logged in with
   */
  public TokenState {
    policies = List.copyOf(policies);
  }

  /** {@return true while the token is valid} */
  public boolean alive() {
    return ending == Ending.ALIVE;
  }

  /** {@return when it ended, if it did} */
  public Optional<Instant> ended() {
    return Optional.ofNullable(endedAt);
  }
}
