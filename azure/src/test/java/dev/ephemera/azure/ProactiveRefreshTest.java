package dev.ephemera.azure;

import static dev.ephemera.azure.AzureTestbed.CLIENT_ID;
import static dev.ephemera.azure.AzureTestbed.STORAGE;
import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenRequestContext;
import com.azure.identity.ClientAssertionCredential;
import com.azure.identity.ClientAssertionCredentialBuilder;
import dev.ephemera.core.BearerToken;
import dev.ephemera.core.CredentialSource;
import dev.ephemera.core.refresh.RefreshPolicy;
import dev.ephemera.testkit.time.VirtualTime;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A proactive refresh gets a genuinely new token from Entra, on the path where MSAL's token cache
 * would otherwise answer: an authority without a port (as in production on 443). On a random port
 * MSAL's cache key never matches, so a test there could not tell the difference.
 */
class ProactiveRefreshTest {
  private static final String AUTHORITY = "https://127.0.0.1/";

  private final VirtualTime time = VirtualTime.create();
  private AzureTestbed bed;
  private PortRewritingHttpClient http;

  @BeforeEach
  void start() {
    bed = new AzureTestbed(time);
    http =
        new PortRewritingHttpClient(
            AzureTestbed.loopbackHttp(Duration.ofSeconds(10)), bed.entra.port());
  }

  @AfterEach
  void stop() {
    bed.close();
  }

  @Test
  void control_azureIdentitysCredential_answersTheSecondRequestFromMsalsCache() {
    ClientAssertionCredential vendor =
        new ClientAssertionCredentialBuilder()
            .clientId(CLIENT_ID)
            .tenantId(bed.entra.tenantId())
            .authorityHost(AUTHORITY)
            .disableInstanceDiscovery()
            .clientAssertion(() -> bed.tokenFile.currentToken())
            .httpClient(http)
            .build();
    TokenRequestContext storage = new TokenRequestContext().addScopes(STORAGE);

    AccessToken first = vendor.getTokenSync(storage);
    time.advance(Duration.ofMinutes(40));
    AccessToken second = vendor.getTokenSync(storage);

    assertThat(bed.entra.tokenRequests()).as("the cache answered").isEqualTo(1);
    assertThat(second.getToken()).isEqualTo(first.getToken());
  }

  @Test
  void proactiveRefresh_reachesEntra_andServesANewToken() {
    try (AzureWorkloadIdentity identity =
        bed.identity()
            .authorityHost(AUTHORITY)
            .httpClient(http)
            .refreshPolicy(RefreshPolicy.builder().jitterFraction(0).build())
            .build()) {
      CredentialSource<BearerToken> source = identity.source(STORAGE);
      BearerToken first = source.get();

      time.advance(Duration.ofMinutes(41)); // past 2/3 of 3599 s: the scheduled refresh ran

      BearerToken second = source.get();
      assertThat(bed.entra.tokenRequests()).isEqualTo(2);
      assertThat(second.id()).isNotEqualTo(first.id());
      assertThat(second.token()).isNotEqualTo(first.token());
      assertThat(bed.entra.issued())
          .extracting(t -> "uti:" + t.uti())
          .containsExactly(first.id(), second.id());
    }
  }

  @Test
  void forcedRefresh_reachesEntra_evenMomentsAfterTheLastIssuance() {
    try (AzureWorkloadIdentity identity =
        bed.identity().authorityHost(AUTHORITY).httpClient(http).build()) {
      CredentialSource<BearerToken> source = identity.source(STORAGE);
      BearerToken first = source.get();

      BearerToken second = source.refresh().join();

      assertThat(bed.entra.tokenRequests()).isEqualTo(2);
      assertThat(second.id()).isNotEqualTo(first.id());
    }
  }
}
