package dev.ephemera.gcp;

import dev.ephemera.core.BearerToken;
import dev.ephemera.core.spi.CredentialIssuer;
import dev.ephemera.testkit.contract.ContractFixture;
import dev.ephemera.testkit.contract.CredentialSourceContract;
import dev.ephemera.testkit.emulator.FaultPlan;
import dev.ephemera.testkit.time.VirtualTime;
import java.time.Duration;
import java.util.List;

/** The engine's contract for Workload Identity Federation without impersonation (STS only). */
class FederationContractTest extends CredentialSourceContract<BearerToken> {
  @Override
  protected ContractFixture<BearerToken> fixture(VirtualTime time) {
    GcpTestbed bed = GcpTestbed.start(time);
    CredentialIssuer<BearerToken> issuer =
        bed.federation(bed.federationConfig().build()).build().accessTokenIssuer();
    return new ContractFixture<>() {
      @Override
      public CredentialIssuer<BearerToken> issuer() {
        return issuer;
      }

      @Override
      public FaultPlan faults() {
        return bed.google.sts().faults();
      }

      @Override
      public int upstreamCalls() {
        return bed.google.sts().journal().size();
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
        bed.close();
      }
    };
  }
}
