package dev.ephemera.azure;

import dev.ephemera.core.BearerToken;
import dev.ephemera.core.spi.CredentialIssuer;
import dev.ephemera.testkit.contract.ContractFixture;
import dev.ephemera.testkit.contract.CredentialSourceContract;
import dev.ephemera.testkit.emulator.FaultPlan;
import dev.ephemera.testkit.time.VirtualTime;
import java.time.Duration;
import java.util.List;

/** The engine's promises, kept by the Entra issuer through MSAL against the emulator. */
class AzureContractTest extends CredentialSourceContract<BearerToken> {

  @Override
  protected ContractFixture<BearerToken> fixture(VirtualTime time) {
    AzureTestbed bed = new AzureTestbed(time);
    AzureWorkloadIdentity identity = bed.identity().build();
    CredentialIssuer<BearerToken> issuer = identity.issuer(AzureTestbed.STORAGE);
    return new ContractFixture<>() {
      @Override
      public CredentialIssuer<BearerToken> issuer() {
        return issuer;
      }

      @Override
      public FaultPlan faults() {
        return bed.entra.faults();
      }

      @Override
      public int upstreamCalls() {
        return bed.entra.tokenRequests();
      }

      @Override
      public Duration lifetime() {
        return Duration.ofSeconds(3599);
      }

      @Override
      public List<String> secretValues(BearerToken credential) {
        return List.of(credential.token().reveal(), bed.tokenFile.currentToken());
      }

      @Override
      public void close() {
        identity.close();
        bed.close();
      }
    };
  }
}
