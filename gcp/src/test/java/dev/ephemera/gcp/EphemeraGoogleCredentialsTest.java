package dev.ephemera.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.api.client.http.GenericUrl;
import com.google.api.client.http.HttpRequestFactory;
import com.google.api.client.http.HttpResponse;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.auth.RequestMetadataCallback;
import com.google.auth.http.HttpCredentialsAdapter;
import dev.ephemera.core.BearerToken;
import dev.ephemera.core.CredentialSource;
import dev.ephemera.testkit.emulator.Fault;
import dev.ephemera.testkit.emulator.JournalEntry;
import dev.ephemera.testkit.time.VirtualTime;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The GoogleCredentials adapter, used the way Google's HTTP client libraries use credentials
 * (google-http-client with the auth library's HttpCredentialsAdapter), against the Cloud Storage
 * emulator, which checks the bearer token it receives.
 */
class EphemeraGoogleCredentialsTest {
  private static final URI STORAGE = URI.create("https://storage.googleapis.com/");
  private final VirtualTime time = VirtualTime.create();
  private GcpTestbed bed;

  @BeforeEach
  void start() {
    bed = GcpTestbed.start(time);
  }

  @AfterEach
  void stop() {
    bed.close();
  }

  private HttpResponse getObject(EphemeraGoogleCredentials credentials) throws IOException {
    HttpRequestFactory http =
        new NetHttpTransport().createRequestFactory(new HttpCredentialsAdapter(credentials));
    HttpResponse r =
        http.buildGetRequest(new GenericUrl(bed.google.storage().objectUrl("reports", "q3.csv")))
            .execute();
    r.disconnect();
    return r;
  }

  private String lastAuthorization() {
    List<JournalEntry> entries = bed.google.storage().journal().entries();
    return entries.get(entries.size() - 1).request().header("authorization").orElseThrow();
  }

  @Test
  void aGoogleClientRequest_carriesEphemerasCurrentToken_andTheNextOneAfterRotation()
      throws IOException {
    try (CredentialSource<BearerToken> tokens =
        bed.federation(bed.federationConfig().build()).build().accessTokens()) {
      EphemeraGoogleCredentials credentials = EphemeraGoogleCredentials.of(tokens);
      BearerToken first = tokens.get();

      assertThat(getObject(credentials).getStatusCode()).isEqualTo(200);
      assertThat(lastAuthorization()).isEqualTo("Bearer " + first.token().reveal());

      time.advance(
          Duration.ofMinutes(47)); // past the refresh band (2/3 ± 10%): STS issued a new token
      BearerToken second = tokens.get();
      assertThat(second.id()).isNotEqualTo(first.id());
      assertThat(getObject(credentials).getStatusCode()).isEqualTo(200);
      assertThat(lastAuthorization()).isEqualTo("Bearer " + second.token().reveal());
    }
  }

  @Test
  void aMetadataServerToken_worksThroughTheAdapterToo() throws IOException {
    try (CredentialSource<BearerToken> tokens = bed.metadata().build().accessTokens()) {
      assertThat(getObject(EphemeraGoogleCredentials.of(tokens)).getStatusCode()).isEqualTo(200);
      assertThat(lastAuthorization()).isEqualTo("Bearer " + tokens.get().token().reveal());
    }
  }

  @Test
  void a401_makesTheClientAskForANewToken_andRetryWithIt() throws IOException {
    try (CredentialSource<BearerToken> tokens =
        bed.federation(bed.federationConfig().build()).build().accessTokens()) {
      BearerToken before = tokens.get();
      bed.google.storage().faults().next(Fault.status(401));
      assertThat(getObject(EphemeraGoogleCredentials.of(tokens)).getStatusCode()).isEqualTo(200);
      List<JournalEntry> calls = bed.google.storage().journal().entries();
      assertThat(calls).hasSize(2);
      assertThat(calls.get(0).request().header("authorization"))
          .contains("Bearer " + before.token().reveal());
      assertThat(lastAuthorization())
          .isEqualTo("Bearer " + tokens.get().token().reveal())
          .isNotEqualTo("Bearer " + before.token().reveal());
    }
  }

  @Test
  void getRequestMetadata_returnsTheSameMapWhileTheTokenIsHeld_andANewOneAfterRotation()
      throws IOException {
    try (CredentialSource<BearerToken> tokens =
        bed.federation(bed.federationConfig().build()).build().accessTokens()) {
      EphemeraGoogleCredentials credentials = EphemeraGoogleCredentials.of(tokens);
      Map<String, List<String>> a = credentials.getRequestMetadata(STORAGE);
      Map<String, List<String>> b = credentials.getRequestMetadata(STORAGE);
      assertThat(b).isSameAs(a);
      assertThat(a).containsOnlyKeys("Authorization");
      assertThat(a.get("Authorization")).containsExactly("Bearer " + tokens.get().token().reveal());

      time.advance(Duration.ofMinutes(47)); // past the whole refresh band
      Map<String, List<String>> c = credentials.getRequestMetadata(STORAGE);
      assertThat(c).isNotSameAs(a);
      assertThat(c.get("Authorization")).containsExactly("Bearer " + tokens.get().token().reveal());
      assertThat(credentials.hasRequestMetadata()).isTrue();
      assertThat(credentials.hasRequestMetadataOnly()).isTrue();
    }
  }

  @Test
  void asyncRequestMetadata_answersFromTheHeldToken() throws Exception {
    try (CredentialSource<BearerToken> tokens = bed.metadata().build().accessTokens()) {
      tokens.get();
      CompletableFuture<Map<String, List<String>>> result = new CompletableFuture<>();
      EphemeraGoogleCredentials.of(tokens)
          .getRequestMetadata(
              STORAGE,
              Runnable::run,
              new RequestMetadataCallback() {
                @Override
                public void onSuccess(Map<String, List<String>> metadata) {
                  result.complete(metadata);
                }

                @Override
                public void onFailure(Throwable exception) {
                  result.completeExceptionally(exception);
                }
              });
      assertThat(result.getNow(Map.of()).get("Authorization"))
          .containsExactly("Bearer " + tokens.get().token().reveal());
    }
  }

  @Test
  void getAccessToken_followsTheSource_afterRefreshIfExpired() throws IOException {
    try (CredentialSource<BearerToken> tokens = bed.metadata().build().accessTokens()) {
      EphemeraGoogleCredentials credentials = EphemeraGoogleCredentials.of(tokens);
      credentials.refreshIfExpired();
      var accessToken = java.util.Objects.requireNonNull(credentials.getAccessToken());
      assertThat(accessToken.getTokenValue()).isEqualTo(tokens.get().token().reveal());
      assertThat(java.util.Objects.requireNonNull(accessToken.getExpirationTime()).toInstant())
          .isEqualTo(tokens.get().expiresAt());
    }
  }

  @Test
  void quotaProject_isSentAsAHeader_andScopingKeepsTheSource() throws IOException {
    try (CredentialSource<BearerToken> tokens = bed.metadata().build().accessTokens()) {
      EphemeraGoogleCredentials plain = EphemeraGoogleCredentials.of(tokens);
      EphemeraGoogleCredentials billed = plain.createWithQuotaProject("billing-project");
      assertThat(billed.getQuotaProjectId()).isEqualTo("billing-project");
      assertThat(billed.getRequestMetadata(STORAGE))
          .containsEntry("x-goog-user-project", List.of("billing-project"));
      assertThat(plain.createScoped(List.of("https://www.googleapis.com/auth/other")))
          .isSameAs(plain);
      assertThat(plain.createScopedRequired()).isFalse();
      assertThatThrownBy(plain::toBuilder).isInstanceOf(UnsupportedOperationException.class);
    }
  }

  @Test
  void neverShowsOrSerializesTheToken() throws IOException {
    try (CredentialSource<BearerToken> tokens = bed.metadata().build().accessTokens()) {
      EphemeraGoogleCredentials credentials = EphemeraGoogleCredentials.of(tokens);
      credentials.getRequestMetadata(STORAGE);
      String secret = tokens.get().token().reveal();
      assertThat(credentials.toString()).doesNotContain(secret).contains(tokens.get().id());
      try (ObjectOutputStream out = new ObjectOutputStream(new ByteArrayOutputStream())) {
        assertThatThrownBy(() -> out.writeObject(credentials))
            .isInstanceOf(NotSerializableException.class);
      }
    }
  }

  @Test
  void aSourceWithNoToken_surfacesAsAnIOExceptionToTheClient() {
    bed.google.metadata().faults().always(Fault.status(503));
    try (CredentialSource<BearerToken> tokens = bed.metadata().build().accessTokens()) {
      assertThatThrownBy(() -> EphemeraGoogleCredentials.of(tokens).getRequestMetadata(STORAGE))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("HTTP 503");
    }
  }
}
