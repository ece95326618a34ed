package dev.ephemera.testkit.vault;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** One lease {@link VaultLeases} issued on a dynamic secret (PROTOCOLS.md §4.5). */
final class LeaseRecord {
  final String id;
  final VaultLeases.Spec spec;
  final TokenRecord token;
  final Lifetime life;

  LeaseRecord(String id, VaultLeases.Spec spec, TokenRecord token, Lifetime life) {
    this.id = id;
    this.spec = spec;
    this.token = token;
    this.life = life;
  }

  /** The earliest of: explicit revocation, natural expiry, its token's end. */
  Ending ending(Instant now) {
    Instant tokenEnd = token.life.endedAt(now);
    Instant natural = now.isBefore(life.expiresAt()) ? null : life.expiresAt();
    Instant revokedAt = life.revokedAt();
    Ending best = Ending.ALIVE;
    Instant at = null;
    if (revokedAt != null) {
      best = Ending.REVOKED;
      at = revokedAt;
    }
    if (tokenEnd != null && (at == null || tokenEnd.isBefore(at))) {
      best = Ending.REVOKED_WITH_TOKEN;
      at = tokenEnd;
    }
    if (natural != null && (at == null || natural.isBefore(at))) {
      best = Ending.EXPIRED;
    }
    return best;
  }

  @Nullable Instant endedAt(Instant now) {
    return switch (ending(now)) {
      case ALIVE -> null;
      case REVOKED -> life.revokedAt();
      case REVOKED_WITH_TOKEN -> token.life.endedAt(now);
      case EXPIRED -> life.expiresAt();
    };
  }

  LeaseState state(Instant now) {
    return new LeaseState(
        id,
        spec.path(),
        token.accessor,
        life.issuedAt(),
        life.expiresAt(),
        life.maxExpiresAt(),
        life.renewals(),
        ending(now),
        endedAt(now));
  }
}
