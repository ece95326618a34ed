package dev.ephemera.vault.internal;

import dev.ephemera.core.CredentialUnavailableException.Reason;

/** A kind of Vault call, for messages and for what a 400 means in its context. */
public enum Operation {
  /** A login ({@code auth/<mount>/login}); a 400 names a bad role or credential setting. */
  LOGIN("login", Reason.CONFIGURATION),
  /** {@code sys/wrapping/unwrap}; a 400 means the wrapping token is used up or expired. */
  UNWRAP("unwrap of the response-wrapped secret id", Reason.CONFIGURATION),
  /** {@code auth/token/renew-self}; a 400 means the token cannot be extended. */
  RENEW_TOKEN("token renewal", Reason.REJECTED),
  /** {@code auth/token/revoke-self}. */
  REVOKE_TOKEN("token revocation", Reason.REJECTED),
  /** A dynamic-secret read; a 400 names a bad path or role. */
  READ_SECRET("dynamic secret read", Reason.CONFIGURATION),
  /** {@code sys/leases/renew}; a 400 means the lease cannot be extended. */
  RENEW_LEASE("lease renewal", Reason.REJECTED),
  /** {@code sys/leases/revoke}. */
  REVOKE_LEASE("lease revocation", Reason.REJECTED),
  /** A KV v2 read. */
  READ_KV("KV read", Reason.CONFIGURATION);

  private final String description;
  private final Reason badRequest;

  Operation(String description, Reason badRequest) {
    this.description = description;
    this.badRequest = badRequest;
  }

  /** How messages name it. */
  public String description() {
    return description;
  }

  /** What a 400 means here. */
  Reason badRequest() {
    return badRequest;
  }
}
