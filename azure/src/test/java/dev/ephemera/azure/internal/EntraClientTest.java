package dev.ephemera.azure.internal;

import static dev.ephemera.azure.AzureTestbed.STORAGE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.util.Context;
import dev.ephemera.azure.AzureTestbed;
import dev.ephemera.azure.AzureWorkloadIdentity;
import dev.ephemera.core.CredentialUnavailableException;
import dev.ephemera.core.spi.ProjectedToken;
import dev.ephemera.testkit.emulator.Fault;
import dev.ephemera.testkit.time.VirtualTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

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

  @Test
  void msalRunsInline_everyRequestOnTheCallingThread_soTheWireRecordingIsTheCallers() {
    List<Thread> senders = new CopyOnWriteArrayList<>();
    HttpClient loopback = AzureTestbed.loopbackHttp(Duration.ofSeconds(10));
    HttpClient watching =
        new HttpClient() {
          @Override
          public Mono<HttpResponse> send(HttpRequest request) {
            senders.add(Thread.currentThread());
            return loopback.send(request);
          }

          @Override
          public HttpResponse sendSync(HttpRequest request, Context context) {
            senders.add(Thread.currentThread());
            return loopback.sendSync(request, context);
          }
        };
    try (var watched = bed.identity().httpClient(watching).build()) {
      EntraClient inline = ((EntraTokenIssuer) watched.issuer(STORAGE)).client();

      inline.acquire(assertion(), STORAGE, time.clock());
      bed.entra.faults().next(Fault.throttle(Duration.ofSeconds(7)));
      var e =
          catchThrowableOfType(
              CredentialUnavailableException.class,
              () -> inline.acquire(assertion(), STORAGE, time.clock()));

      assertThat(senders).hasSize(2).containsOnly(Thread.currentThread());
      assertThat(e.retryAfter())
          .as("read from this thread's recording")
          .contains(Duration.ofSeconds(7));
    }
  }
}
