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
 * The engine's contract for federation with service-account impersonation: STS, then IAM
 * Credentials' generateAccessToken with a chosen lifetime. Faults are injected at IAM.
 */
class ImpersonationContractTest extends CredentialSourceContract<BearerToken> {
  @Override
  protected ContractFixture<BearerToken> fixture(VirtualTime time) {
    GcpTestbed bed = GcpTestbed.start(time);
    Duration lifetime = Duration.ofMinutes(30);
    CredentialIssuer<BearerToken> issuer =
        bed.federation(bed.impersonationConfig(lifetime)).build().accessTokenIssuer();
    return new ContractFixture<>() {
      @Override
      public CredentialIssuer<BearerToken> issuer() {
        return issuer;
      }

      @Override
      public FaultPlan faults() {
        return bed.google.iam().faults();
      }

      @Override
      public int upstreamCalls() {
        return bed.google.iam().journal().size();
      }

      @Override
      public Duration lifetime() {
        return lifetime;
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
