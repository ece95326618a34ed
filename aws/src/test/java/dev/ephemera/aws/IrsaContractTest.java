package dev.ephemera.aws;

import dev.ephemera.core.spi.CredentialIssuer;
import dev.ephemera.testkit.contract.ContractFixture;
import dev.ephemera.testkit.contract.CredentialSourceContract;
import dev.ephemera.testkit.emulator.FaultPlan;
import dev.ephemera.testkit.time.VirtualTime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/** The engine's promises, kept by the IRSA issuer through the SDK's STS client over HTTP. */
class IrsaContractTest extends CredentialSourceContract<AwsSessionCredential> {
  @SuppressWarnings("NullAway.Init")
  @TempDir
  Path dir;

  @Override
  protected ContractFixture<AwsSessionCredential> fixture(VirtualTime time) {
    IrsaWorld world = new IrsaWorld(time, dir);
    CredentialIssuer<AwsSessionCredential> issuer = world.irsa().buildIssuer();
    return new ContractFixture<>() {
      @Override
      public CredentialIssuer<AwsSessionCredential> issuer() {
        return issuer;
      }

      @Override
      public FaultPlan faults() {
        return world.sts.faults();
      }

      @Override
      public int upstreamCalls() {
        return world.sts.calls();
      }

      @Override
      public Duration lifetime() {
        return Duration.ofHours(1);
      }

      @Override
      public List<String> secretValues(AwsSessionCredential c) {
        return List.of(
            c.secretAccessKey().reveal(), c.sessionToken().reveal(), world.token.currentToken());
      }

      @Override
      public void close() {
        world.close();
      }
    };
  }
}
