package dev.ephemera.testkit.contract;

import dev.ephemera.core.Credential;
import dev.ephemera.core.spi.CredentialIssuer;
import dev.ephemera.testkit.emulator.FaultPlan;
import java.time.Duration;
import java.util.List;

/**
 * What {@link CredentialSourceContract} needs from a backend: an issuer talking to an emulator that
 * runs on the test's {@link dev.ephemera.testkit.time.VirtualTime}.
 *
 * @param <C> the credential type
 */
public interface ContractFixture<C extends Credential> extends AutoCloseable {

  /** {@return the backend's issuer, wired to the emulator} */
  CredentialIssuer<C> issuer();

  /** {@return the fault plan of the emulator endpoint that issues (and renews) credentials} */
  FaultPlan faults();

  /** {@return issuance and renewal requests the emulator has received so far} */
  int upstreamCalls();

  /** {@return the lifetime of the credentials the emulator issues} */
  Duration lifetime();

  /**
   * {@return true when every issuance yields a credential with a new id} False for upstreams that
   * hand back a cached credential (a metadata server); the contract then checks renewal instead of
   * rotation.
   */
  default boolean rotatesOnEachIssuance() {
    return true;
  }

  /**
   * {@return the secret strings inside {@code credential}, which must never leak}
   *
   * @param credential the credential
   */
  List<String> secretValues(C credential);

  /** Stops the emulator and releases resources. */
  @Override
  void close();
}
