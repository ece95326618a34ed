package dev.ephemera.vault.internal;

import dev.ephemera.core.CredentialUnavailableException.Reason;
import dev.ephemera.core.spi.http.StatusReasons;

/**
 * A kind of Vault call, for messages and for what an error status means in its context: core's
 * {@link StatusReasons} table with what Vault documents differently.
 *
 * <ul>
 *   <li>412 is UNAVAILABLE for every call: a performance standby has not caught up with the state
 *       the request needs yet (Enterprise eventual consistency), so the same request succeeds
 *       later;
 *   <li>400 is CONFIGURATION for logins, unwraps, reads and Transit calls (a bad role, path, secret
 *       id, key or key version, or a used-up wrapping token), and the standard REJECTED for
 *       renewals and revocations (the token or lease cannot be extended).
 * </ul>
 */
enum Operation {
  /** A login ({@code auth/<mount>/login}); a 400 names a bad role or credential setting. */
  LOGIN("login", Tables.SETTINGS),
  /** {@code sys/wrapping/unwrap}; a 400 means the wrapping token is used up or expired. */
  UNWRAP("unwrap of the response-wrapped secret id", Tables.SETTINGS),
  /** {@code auth/token/renew-self}; a 400 means the token cannot be extended. */
  RENEW_TOKEN("token renewal", Tables.VAULT),
  /** {@code auth/token/revoke-self}. */
  REVOKE_TOKEN("token revocation", Tables.VAULT),
  /** A dynamic-secret read; a 400 names a bad path or role. */
  READ_SECRET("dynamic secret read", Tables.SETTINGS),
  /** {@code sys/leases/renew}; a 400 means the lease cannot be extended. */
  RENEW_LEASE("lease renewal", Tables.VAULT),
  /** {@code sys/leases/revoke}. */
  REVOKE_LEASE("lease revocation", Tables.VAULT),
  /** A KV v2 read. */
  READ_KV("KV read", Tables.SETTINGS),
  /** A Transit key read ({@code <mount>/keys/<name>}). */
  READ_TRANSIT_KEY("Transit key read", Tables.SETTINGS),
  /** A Transit signing ({@code <mount>/sign/<name>}); a 400 names a bad key or key version. */
  TRANSIT_SIGN("Transit signing", Tables.SETTINGS);

  private final String description;
  private final StatusReasons reasons;

  Operation(String description, StatusReasons reasons) {
    this.description = description;
    this.reasons = reasons;
  }

  /** How messages name it. */
  String description() {
    return description;
  }

  /** What an error status means here. */
  Reason reasonFor(int status) {
    return reasons.reasonFor(status);
  }

  /** The tables (an enum cannot refer to its own static fields in its constants). */
  private static final class Tables {
    /** Every Vault call: 412 is a standby catching up, not a refusal. */
    static final StatusReasons VAULT = StatusReasons.standard().with(412, Reason.UNAVAILABLE);

    /** Calls whose 400 names a setting: a role, path, secret id or wrapping token. */
    static final StatusReasons SETTINGS = VAULT.with(400, Reason.CONFIGURATION);

    private Tables() {}
  }
}
