package dev.ephemera.testkit.vault;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The TTL accounting a token and a lease share (PROTOCOLS.md §4.3 to §4.5): when it was issued,
 * when its current TTL ends, the max TTL no renewal passes, its renewals and an explicit
 * revocation. Not thread-safe: {@link VaultProtocol} serialises every call.
 */
final class Lifetime {
  /** Vault's answer to a renewal once no max TTL remains. */
  static final String PAST_MAX_TTL = "past the max TTL, cannot renew";

  /**
   * A renewal granted.
   *
   * @param ttl the new TTL in seconds
   * @param warnings Vault's warnings (the capping warning, or none)
   */
  record Grant(long ttl, List<String> warnings) {}

  private final Instant issuedAt;
  private final Instant maxExpiresAt;
  private Instant expiresAt;
  private @Nullable Instant lastRenewal;
  private int renewals;
  private @Nullable Instant revokedAt;

  Lifetime(Instant issuedAt, Instant expiresAt, Instant maxExpiresAt) {
    this.issuedAt = issuedAt;
    this.expiresAt = expiresAt;
    this.maxExpiresAt = maxExpiresAt;
  }

  Instant issuedAt() {
    return issuedAt;
  }

  Instant expiresAt() {
    return expiresAt;
  }

  Instant maxExpiresAt() {
    return maxExpiresAt;
  }

  @Nullable Instant lastRenewal() {
    return lastRenewal;
  }

  int renewals() {
    return renewals;
  }

  @Nullable Instant revokedAt() {
    return revokedAt;
  }

  void revoke(Instant now) {
    revokedAt = now;
  }

  /**
   * Extends the TTL to {@code requestedSeconds} from {@code now}, capped at the max TTL with
   * Vault's warning; null (and nothing changes) once no max TTL remains.
   */
  @Nullable Grant renew(Instant now, long requestedSeconds) {
    long remaining = Duration.between(now, maxExpiresAt).toSeconds();
    if (remaining <= 0) {
      return null;
    }
    List<String> warnings = new ArrayList<>();
    long ttl = requestedSeconds;
    if (requestedSeconds > remaining) {
      ttl = remaining;
      warnings.add(VaultTtl.cappedWarning(requestedSeconds, remaining));
    }
    expiresAt = now.plusSeconds(ttl);
    lastRenewal = now;
    renewals++;
    return new Grant(ttl, warnings);
  }

  /** Revoked, expired or alive, by this lifetime alone. */
  Ending ending(Instant now) {
    if (revokedAt != null) {
      return Ending.REVOKED;
    }
    return now.isBefore(expiresAt) ? Ending.ALIVE : Ending.EXPIRED;
  }

  /** When it was revoked or expired, or null while alive. */
  @Nullable Instant endedAt(Instant now) {
    if (revokedAt != null) {
      return revokedAt;
    }
    return now.isBefore(expiresAt) ? null : expiresAt;
  }
}
