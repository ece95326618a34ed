package dev.ephemera.azure.internal;

import static dev.ephemera.azure.AzureTestbed.STORAGE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ephemera.azure.AzureTestbed;
import dev.ephemera.azure.AzureWorkloadIdentity;
import dev.ephemera.core.spi.ProjectedToken;
import dev.ephemera.testkit.time.VirtualTime;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EntraClientTest {
  private final VirtualTime time = VirtualTime.create();
  private AzureTestbed bed;
  private AzureWorkloadIdentity identity;
  private EntraClient client;

  @BeforeEach
  void start() {
    bed =
        new AzureTestbed(
            time, b -> b.tokenLifetime(Duration.ofMinutes(80)).refreshIn(Duration.ofMinutes(40)));
    identity = bed.identity().build();
    client = ((EntraTokenIssuer) identity.issuer(STORAGE)).client();
  }

  @AfterEach
  void stop() {
    identity.close();
    bed.close();
  }

  private ProjectedToken assertion() {
    return ProjectedToken.read(bed.tokenFile.path(), "AZURE_FEDERATED_TOKEN_FILE", time.clock());
  }

  @Test
  void acquire_readsExpiresInAndRefreshInFromTheWire_exactly() {
    EntraClient.Issued issued = client.acquire(assertion(), STORAGE, time.clock());

    assertThat(issued.expiresIn()).isEqualTo(Duration.ofMinutes(80));
    assertThat(issued.refreshIn()).isEqualTo(Duration.ofMinutes(40));
    assertThat(issued.toString()).doesNotContain(issued.token().reveal());
  }

  @Test
  void acquire_neverAnswersFromMsalsCache() {
    var a = client.acquire(assertion(), STORAGE, time.clock());
    var b = client.acquire(assertion(), STORAGE, time.clock());

    assertThat(b.token()).isNotEqualTo(a.token());
    assertThat(bed.entra.tokenRequests()).isEqualTo(2);
  }
}
