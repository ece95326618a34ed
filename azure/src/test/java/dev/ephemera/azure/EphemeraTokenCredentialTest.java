package dev.ephemera.azure;

import static dev.ephemera.azure.AzureTestbed.STORAGE;
import static dev.ephemera.azure.AzureTestbed.VAULT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.core.exception.ClientAuthenticationException;
import com.azure.identity.ChainedTokenCredentialBuilder;
import dev.ephemera.core.BearerToken;
import dev.ephemera.core.CredentialUnavailableException;
import dev.ephemera.core.CredentialUnavailableException.Reason;
import dev.ephemera.core.refresh.RefreshPolicy;
import dev.ephemera.testkit.emulator.Fault;
import dev.ephemera.testkit.emulator.Gate;
import dev.ephemera.testkit.threads.BlockingProbe;
import dev.ephemera.testkit.threads.MonitorReport;
import dev.ephemera.testkit.time.VirtualTime;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

class EphemeraTokenCredentialTest {
  private final VirtualTime time = VirtualTime.create();
  private AzureTestbed bed;
  private AzureWorkloadIdentity identity;
  private TokenCredential credential;

  @BeforeEach
  void start() {
    bed = new AzureTestbed(time);
    identity =
        bed.identity().refreshPolicy(RefreshPolicy.builder().jitterFraction(0).build()).build();
    credential = identity.tokenCredential();
  }

  @AfterEach
  void stop() {
    identity.close();
    bed.close();
  }

  private static Reason reasonOf(Throwable e) {
    assertThat(e.getCause()).isInstanceOf(CredentialUnavailableException.class);
    return ((CredentialUnavailableException) Objects.requireNonNull(e.getCause())).reason();
  }

  private static TokenRequestContext scope(String... scopes) {
    return new TokenRequestContext().addScopes(scopes);
  }

  @Test
  void getTokenSync_returnsTheSourcesToken_withItsExpiryAndTheEnginesRefreshTime() {
    AccessToken token = credential.getTokenSync(scope(STORAGE));

    BearerToken held = identity.source(STORAGE).current().orElseThrow();
    assertThat(token.getToken()).isEqualTo(held.token().reveal());
    assertThat(token.getExpiresAt()).isEqualTo(held.expiresAt().atOffset(ZoneOffset.UTC));
    assertThat(token.getTokenType()).isEqualTo("Bearer");
    assertThat(token.getRefreshAt())
        .isEqualTo(
            Objects.requireNonNull(identity.source(STORAGE).status().nextRefreshAt())
                .atOffset(ZoneOffset.UTC));
    assertThat(token.getRefreshAt()).isBefore(token.getExpiresAt());
  }

  @Test
  void heldToken_isTheSameAccessTokenAndMono_onEveryCall_untilTheNextRotation() {
    AccessToken first = credential.getTokenSync(scope(STORAGE));
    Mono<AccessToken> firstMono = credential.getToken(scope(STORAGE));

    assertThat(credential.getTokenSync(scope(STORAGE))).isSameAs(first);
    assertThat(credential.getToken(scope(STORAGE))).isSameAs(firstMono);
    assertThat(firstMono.block()).isSameAs(first);
    assertThat(bed.entra.tokenRequests()).isEqualTo(1);

    time.advance(Duration.ofMinutes(41));

    AccessToken rotated = credential.getTokenSync(scope(STORAGE));
    assertThat(rotated).isNotSameAs(first);
    assertThat(rotated.getToken()).isNotEqualTo(first.getToken());
    assertThat(credential.getTokenSync(scope(STORAGE))).isSameAs(rotated);
    assertThat(bed.entra.tokenRequests()).isEqualTo(2);
  }

  @Test
  void eachScope_hasItsOwnSource_tokenAndSchedule() {
    AccessToken storage = credential.getTokenSync(scope(STORAGE));
    time.advance(Duration.ofMinutes(10));
    AccessToken vault = credential.getTokenSync(scope(VAULT));

    assertThat(bed.entra.issued())
        .extracting(t -> t.audience())
        .containsExactly("https://storage.azure.com", "https://vault.azure.net");
    assertThat(vault.getExpiresAt()).isEqualTo(storage.getExpiresAt().plusMinutes(10));
    assertThat(identity.scopes()).containsExactlyInAnyOrder(STORAGE, VAULT);

    time.advance(Duration.ofMinutes(31)); // storage's refresh is due, vault's is not
    assertThat(bed.entra.tokenRequests()).isEqualTo(3);
    assertThat(credential.getTokenSync(scope(VAULT))).isSameAs(vault);
    assertThat(credential.getTokenSync(scope(STORAGE))).isNotSameAs(storage);
  }

  @Test
  void getToken_withoutAHeldToken_completesWhenTheIssuanceDoes() {
    AccessToken token =
        Objects.requireNonNull(credential.getToken(scope(VAULT)).block(Duration.ofSeconds(30)));

    assertThat(token).isNotNull();
    assertThat(token.getToken())
        .isEqualTo(identity.source(VAULT).current().orElseThrow().token().reveal());
  }

  @Test
  void claimsChallenge_replacesTheHeldToken() {
    AccessToken first = credential.getTokenSync(scope(STORAGE));

    AccessToken replaced =
        credential.getTokenSync(scope(STORAGE).setClaims("{\"access_token\":{\"nbf\":{}}}"));

    assertThat(replaced.getToken()).isNotEqualTo(first.getToken());
    assertThat(bed.entra.tokenRequests()).isEqualTo(2);
    assertThat(credential.getTokenSync(scope(STORAGE))).isSameAs(replaced);
  }

  @Test
  void anotherTenant_isRefused() {
    Throwable e =
        catchThrowable(() -> credential.getTokenSync(scope(STORAGE).setTenantId("other")));

    assertThat(e).isInstanceOf(ClientAuthenticationException.class).hasMessageContaining("other");
    assertThat(bed.entra.tokenRequests()).isZero();
  }

  @Test
  void upstreamRefusal_isClientAuthenticationException_causedByTheClassifiedFailure() {
    bed.entra.clearFederatedCredentials(AzureTestbed.CLIENT_ID); // the app trusts no assertion

    Throwable e = catchThrowable(() -> credential.getTokenSync(scope(STORAGE)));

    assertThat(e)
        .isInstanceOf(ClientAuthenticationException.class)
        .isNotInstanceOf(com.azure.identity.CredentialUnavailableException.class)
        .hasMessageContaining("AADSTS700211")
        .hasCauseInstanceOf(CredentialUnavailableException.class);
    assertThat(reasonOf(e)).isEqualTo(Reason.REJECTED);
  }

  @Test
  void configurationFailure_isAzureIdentitysCredentialUnavailable_soChainsMoveOn() {
    bed.tokenFile.delete();
    TokenCredential fallback =
        request -> Mono.just(new AccessToken("fallback", time.now().atOffset(ZoneOffset.UTC)));

    Throwable direct = catchThrowable(() -> credential.getTokenSync(scope(STORAGE)));
    AccessToken chained =
        Objects.requireNonNull(
            new ChainedTokenCredentialBuilder()
                .addLast(credential)
                .addLast(fallback)
                .build()
                .getToken(scope(STORAGE))
                .block(Duration.ofSeconds(30)));

    assertThat(direct)
        .isInstanceOf(com.azure.identity.CredentialUnavailableException.class)
        .hasMessageContaining("AZURE_FEDERATED_TOKEN_FILE");
    assertThat(chained).isNotNull();
    assertThat(chained.getToken()).isEqualTo("fallback");
  }

  @Test
  void asyncFailure_isMappedToo() {
    bed.entra.faults().always(Fault.status(503));

    Throwable e = catchThrowable(() -> credential.getToken(scope(VAULT)).block());

    assertThat(e).isInstanceOf(ClientAuthenticationException.class);
    assertThat(reasonOf(e)).isEqualTo(Reason.UNAVAILABLE);
  }

  @Test
  void badScopes_areConfigurationFailures() {
    assertThat(catchThrowable(() -> credential.getTokenSync(new TokenRequestContext())))
        .isInstanceOf(com.azure.identity.CredentialUnavailableException.class);
    assertThat(catchThrowable(() -> credential.getTokenSync(scope(STORAGE, VAULT))))
        .isInstanceOf(com.azure.identity.CredentialUnavailableException.class)
        .hasMessageContaining("one scope");
    assertThat(bed.entra.tokenRequests()).isZero();
  }

  @Test
  void closedIdentity_failsTerminally_andDropsItsTokens() {
    credential.getTokenSync(scope(STORAGE));
    identity.close();

    Throwable e = catchThrowable(() -> credential.getTokenSync(scope(STORAGE)));

    assertThat(e).isInstanceOf(ClientAuthenticationException.class);
    assertThat(reasonOf(e)).isEqualTo(Reason.CLOSED);
  }

  @Test
  void idleEvictedScope_isReopenedOnItsNextUse() {
    try (AzureWorkloadIdentity shortLived =
        bed.identity().scopeIdleTimeout(Duration.ofMinutes(5)).build()) {
      TokenCredential c = shortLived.tokenCredential();
      AccessToken first = c.getTokenSync(scope(STORAGE));
      time.advance(Duration.ofMinutes(6));
      shortLived.scopes(); // eviction runs on the virtual scheduler
      AccessToken again = c.getTokenSync(scope(STORAGE));

      assertThat(again.getToken()).isNotEqualTo(first.getToken());
      assertThat(shortLived.scopes()).containsExactly(STORAGE);
    }
  }

  @Test
  void idleEvictedScope_isReopenedWithNoMonitorOfOursHeldAcrossItsIssuance() throws Exception {
    try (AzureWorkloadIdentity shortLived =
        bed.identity().scopeIdleTimeout(Duration.ofMinutes(5)).build()) {
      TokenCredential c = shortLived.tokenCredential();
      c.getTokenSync(scope(STORAGE));
      time.advance(Duration.ofMinutes(6));
      shortLived.scopes(); // eviction runs on the virtual scheduler
      Gate gate = Gate.closed();
      bed.entra.faults().next(Fault.hold(gate));

      MonitorReport reopening =
          BlockingProbe.forEphemera()
              .monitorsWhileBlocked(gate, () -> c.getTokenSync(scope(STORAGE)));

      System.out.println("[threads] reopening an evicted scope: " + reopening);
      reopening.assertNoneOurs();
      assertThat(gate.arrivals()).isEqualTo(1);
    }
  }
}
