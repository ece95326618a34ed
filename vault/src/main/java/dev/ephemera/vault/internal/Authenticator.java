package dev.ephemera.vault.internal;

import dev.ephemera.core.spi.IssuerInfo;

/** One login flow: reads its credential afresh and logs in, one round trip to Vault. */
interface Authenticator {

  /**
   * Logs in.
   *
   * @throws dev.ephemera.core.CredentialException typed: configuration (file, role), rejection, or
   *     a transient upstream failure
   */
  VaultJson.Auth login();

  /** The mount path, e.g. {@code auth/kubernetes}. */
  String authPath();

  /** The audit fields of this login. */
  IssuerInfo describe();
}
