package dev.ephemera.core.spi;

import dev.ephemera.core.Credential;
import java.util.Optional;

/**
 * Obtains credentials from one upstream. The refresh engine calls it from a background thread,
 * never concurrently for the same source.
 *
 * <p>Implementations throw {@link dev.ephemera.core.CredentialUnavailableException} with the
 * matching reason for every failure they understand; anything else they throw is treated as a
 * transient failure ({@code UNAVAILABLE}).
 *
 * @param <C> the credential type
 */
public interface CredentialIssuer<C extends Credential> {

  /** Obtains a new credential: one round trip to the upstream. */
  C issue();

  /**
   * Extends {@code current} in place (a Vault token's renew-self, a lease renewal). Empty means it
   * cannot be renewed and a new one must be issued. The default is empty.
   */
  default Optional<C> renew(C current) {
    return Optional.empty();
  }

  /**
   * Revokes {@code credential} at the upstream, best effort.
   *
   * @return true if something was revoked; false if this upstream has no revocation (the default)
   */
  default boolean revoke(C credential) {
    return false;
  }

  /** Who asks for what: the audit fields of every event about this issuer's credentials. */
  IssuerInfo describe();
}
