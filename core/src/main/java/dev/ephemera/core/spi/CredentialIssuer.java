package dev.ephemera.core.spi;

import dev.ephemera.core.Credential;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Obtains credentials from one upstream. The refresh engine calls it from a background thread,
 * never concurrently for the same source.
 *
 * <p>Implementations throw {@link dev.ephemera.core.CredentialUnavailableException} with the
 * matching reason for every failure they understand; anything else they throw (even an {@code
 * Error}) is treated as a transient failure ({@code UNAVAILABLE}).
 *
 * <p>The engine calls {@link #issueResult()} and {@link #renewResult}; their defaults wrap {@link
 * #issue()} and {@link #renew}. An issuer whose upstream says something about time (its clock, a
 * refresh hint) overrides them to pass it on in an {@link IssueResult}.
 *
 * <p>The smallest issuer is a lambda: {@code CredentialIssuer.of(IssuerInfo.of("files", "me",
 * "db"), () -> readToken())}.
 *
 * @param <C> the credential type
 */
public interface CredentialIssuer<C extends Credential> {

  /**
   * Obtains a new credential: one round trip to the upstream.
   *
   * @return the new credential
   */
  C issue();

  /**
   * Obtains a new credential with what the upstream said about time. The default wraps {@link
   * #issue()}.
   *
   * @return the new credential and the upstream's timing hints
   */
  default IssueResult<C> issueResult() {
    return IssueResult.of(issue());
  }

  /**
   * Extends {@code current} in place (a Vault token's renew-self, a lease renewal). Empty means it
   * cannot be renewed and a new one must be issued. The default is empty.
   *
   * @param current the current
   * @return the extended credential, or empty when it cannot be extended (issue a new one)
   */
  default Optional<C> renew(C current) {
    return Optional.empty();
  }

  /**
   * {@return {@link #renew} with what the upstream said about time} The default wraps {@link
   * #renew}.
   *
   * @param current the current
   */
  default Optional<IssueResult<C>> renewResult(C current) {
    return renew(current).map(IssueResult::of);
  }

  /**
   * Revokes {@code credential} at the upstream, best effort.
   *
   * @param credential the credential
   * @return true if something was revoked; false if this upstream has no revocation (the default)
   */
  default boolean revoke(C credential) {
    return false;
  }

  /**
   * {@return who asks for what: the audit fields of every event about this issuer's credentials}
   */
  IssuerInfo describe();

  /**
   * {@return an issuer made of a description and a function that issues: neither renews nor
   * revokes}
   *
   * @param <C> the credential type
   * @param info the audit fields
   * @param issue one round trip to the upstream; must not return null
   */
  static <C extends Credential> CredentialIssuer<C> of(IssuerInfo info, Supplier<C> issue) {
    Objects.requireNonNull(info, "info");
    Objects.requireNonNull(issue, "issue");
    return new CredentialIssuer<>() {
      @Override
      public C issue() {
        return Objects.requireNonNull(issue.get(), "the issuer function returned null");
      }

      @Override
      public IssuerInfo describe() {
        return info;
      }

      @Override
      public String toString() {
        return "CredentialIssuer[" + info.provider() + "]";
      }
    };
  }
}
