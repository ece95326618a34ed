package dev.ephemera.gcp;

import dev.ephemera.core.BearerToken;
import dev.ephemera.core.spi.CredentialIssuer;
import dev.ephemera.testkit.contract.ContractFixture;
import dev.ephemera.testkit.contract.CredentialSourceContract;
import dev.ephemera.testkit.emulator.FaultPlan;
import dev.ephemera.testkit.time.VirtualTime;
import java.time.Duration;
import java.util.List;

/**
 * The engine's contract against the GKE metadata server emulator, through ComputeEngineCredentials
 * over real HTTP. The server hands back its cached token, so issuance does not rotate.
 */
class MetadataServerContractTest extends CredentialSourceContract<BearerToken> {
  @Override
  protected ContractFixture<BearerToken> fixture(VirtualTime time) {
    GcpTestbed bed = GcpTestbed.start(time);
    CredentialIssuer<BearerToken> issuer = bed.metadata().build().accessTokenIssuer();
    return new ContractFixture<>() {
      @Override
      public CredentialIssuer<BearerToken> issuer() {
        return issuer;
      }

      @Override
      public FaultPlan faults() {
        return bed.google.metadata().faults();
      }

      @Override
      public int upstreamCalls() {
        return bed.google.metadata().journal().count(e -> e.request().path().endsWith("/token"));
      }

      @Override
      public Duration lifetime() {
        return Duration.ofSeconds(3599);
      }

      @Override
      public boolean rotatesOnEachIssuance() {
        return false;
      }

      @Override
      public List<String> secretValues(BearerToken credential) {
        return List.of(credential.token().reveal());
      }

      @Override
      public void close() {
        bed.close();
      }
    };
  }
}
