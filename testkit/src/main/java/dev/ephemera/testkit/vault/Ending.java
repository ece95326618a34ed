package dev.ephemera.testkit.vault;

/** How a Vault token or lease ended, as the emulator saw it. */
public enum Ending {
  /** It is still valid. */
  ALIVE,
  /** It was revoked explicitly (revoke-self, {@code sys/leases/revoke}, or by the test). */
  REVOKED,
  /** Its TTL ran out. */
  EXPIRED,
  /** A lease that died with the token that created it (revoked or expired). */
  REVOKED_WITH_TOKEN
}
