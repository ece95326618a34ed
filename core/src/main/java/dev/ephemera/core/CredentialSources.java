package dev.ephemera.core;

import dev.ephemera.core.refresh.RefreshingCredentialSource;
import dev.ephemera.core.spi.CredentialIssuer;

/** Static entry points for building credential sources. */
public final class CredentialSources {
  private CredentialSources() {}

  /**
   * {@return a builder for a source that keeps the credentials of {@code issuer} fresh: refreshed
   * ahead of expiry, served through upstream outages, audited}
   *
   * @param <C> the type of credential
   * @param issuer the issuer
   */
  public static <C extends Credential> RefreshingCredentialSource.Builder<C> refreshing(
      CredentialIssuer<C> issuer) {
    return RefreshingCredentialSource.builder(issuer);
  }
}
