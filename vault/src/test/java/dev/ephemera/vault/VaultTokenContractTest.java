package dev.ephemera.vault;

import dev.ephemera.core.spi.CredentialIssuer;
import dev.ephemera.testkit.contract.ContractFixture;
import dev.ephemera.testkit.contract.CredentialSourceContract;
import dev.ephemera.testkit.emulator.FaultPlan;
import dev.ephemera.testkit.time.VirtualTime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The engine's promises for Vault tokens: Kubernetes login and renew-self through the real driver
 * against the Vault emulator, on virtual time. Renewals keep the accessor, so the contract checks
 * renewal rather than rotation.
 */
class VaultTokenContractTest extends CredentialSourceContract<VaultToken> {

  @Override
  protected ContractFixture<VaultToken> fixture(VirtualTime time) throws Exception {
    Path dir = Files.createTempDirectory("vault-contract");
    return new Fixture(new Testbed(time, dir, Duration.ofHours(1), Duration.ofDays(30)), dir);
  }

  private static final class Fixture implements ContractFixture<VaultToken> {
    private final Testbed bed;
    private final CredentialIssuer<VaultToken> issuer;
    private final Path dir;

    Fixture(Testbed bed, Path dir) {
      this.bed = bed;
      this.dir = dir;
      this.issuer = bed.tokenIssuer();
    }

    @Override
    public CredentialIssuer<VaultToken> issuer() {
      return issuer;
    }

    @Override
    public FaultPlan faults() {
      return bed.vault.faults();
    }

    @Override
    public int upstreamCalls() {
      return bed.calls("/login") + bed.calls("/renew-self");
    }

    @Override
    public Duration lifetime() {
      return Duration.ofHours(1);
    }

    @Override
    public boolean rotatesOnEachIssuance() {
      return false;
    }

    @Override
    public List<String> secretValues(VaultToken credential) {
      return List.of(credential.token().reveal(), bed.tokenFile.currentToken());
    }

    @Override
    public void close() {
      bed.close();
      try (var files = Files.list(dir)) {
        for (Path p : (Iterable<Path>) files::iterator) {
          Files.deleteIfExists(p);
        }
        Files.deleteIfExists(dir);
      } catch (java.io.IOException e) {
        // a test directory
      }
    }
  }
}
