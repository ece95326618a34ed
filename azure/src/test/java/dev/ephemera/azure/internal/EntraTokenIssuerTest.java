package dev.ephemera.azure.internal;

import static dev.ephemera.azure.AzureTestbed.ACCOUNT;
import static dev.ephemera.azure.AzureTestbed.CLIENT_ID;
import static dev.ephemera.azure.AzureTestbed.STORAGE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.ephemera.azure.AzureTestbed;
import dev.ephemera.azure.AzureWorkloadIdentity;
import dev.ephemera.core.BearerToken;
import dev.ephemera.core.CredentialConfigurationException;
import dev.ephemera.core.CredentialUnavailableException;
import dev.ephemera.core.CredentialUnavailableException.Reason;
import dev.ephemera.core.spi.CredentialIssuer;
import dev.ephemera.core.spi.IssueResult;
import dev.ephemera.core.spi.http.StatusReasons;
import dev.ephemera.testkit.azure.FederatedCredential;
import dev.ephemera.testkit.emulator.Fault;
import dev.ephemera.testkit.oidc.ServiceAccount;
import dev.ephemera.testkit.time.VirtualTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The issuer end to end: MSAL4J over azure-core's JDK client against the Entra emulator. */
class EntraTokenIssuerTest {
  private final VirtualTime time = VirtualTime.create();
  private AzureTestbed bed;
  private AzureWorkloadIdentity identity;
  private CredentialIssuer<BearerToken> issuer;

  @BeforeEach
  void start() {
    bed = new AzureTestbed(time, b -> b.refreshIn(Duration.ofMinutes(20)));
    identity = bed.identity().build();
    issuer = identity.issuer(STORAGE);
  }

  @AfterEach
  void stop() {
    identity.close();
    bed.close();
  }

  private String lastAssertion() {
    var entries = bed.entra.tokenRequestEntries();
    return String.valueOf(entries.get(entries.size() - 1).request().form().get("client_assertion"));
  }

  private CredentialUnavailableException failure() {
    return java.util.Objects.requireNonNull(
        catchThrowableOfType(CredentialUnavailableException.class, issuer::issue));
  }

  @Test
  void issue_exchangesTheProjectedToken_forATokenStampedOnTheInjectedClock() {
    time.advance(Duration.ofMinutes(7));
    Instant now = time.now();

    BearerToken token = issuer.issue();

    assertThat(token.issuedAt()).isEqualTo(now);
    assertThat(token.expiresAt()).isEqualTo(now.plusSeconds(3599));
    assertThat(token.scope()).isEqualTo(STORAGE);
    assertThat(token.id()).isEqualTo("uti:" + bed.entra.issued().get(0).uti());
    assertThat(token.auditAttributes())
        .containsEntry("tenantId", bed.entra.tenantId())
        .containsEntry("clientId", CLIENT_ID)
        .containsEntry("refreshInSeconds", "1200")
        .containsKey("oid");
    assertThat(lastAssertion()).isEqualTo(bed.tokenFile.currentToken());
    assertThat(bed.entra.journal().size()).as("only the token endpoint is called").isEqualTo(1);
    var form = bed.entra.tokenRequestEntries().get(0).request().form();
    assertThat(form)
        .containsEntry("grant_type", "client_credentials")
        .containsEntry("client_id", CLIENT_ID)
        .containsEntry(
            "client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
    assertThat(form.get("scope")).contains(STORAGE);
  }

  @Test
  void describe_namesTheProjectedSubject_theTenantAndClient_andTheScope() {
    issuer.issue();

    var info = issuer.describe();

    assertThat(info.provider()).isEqualTo(EntraTokenIssuer.PROVIDER);
    assertThat(info.principal()).isEqualTo(ACCOUNT.subject());
    assertThat(info.target()).isEqualTo(bed.entra.tenantId() + "/" + CLIENT_ID);
    assertThat(info.scope()).isEqualTo(STORAGE);
  }

  @Test
  void issue_rereadsTheTokenFile_everyTime() {
    issuer.issue();
    String first = lastAssertion();
    time.advance(Duration.ofMinutes(50));
    bed.tokenFile.rotate();

    issuer.issue();

    assertThat(lastAssertion()).isNotEqualTo(first).isEqualTo(bed.tokenFile.currentToken());
  }

  @Test
  void issue_everyIssuanceReachesEntra_andYieldsANewToken() {
    BearerToken a = issuer.issue();
    BearerToken b = issuer.issue();

    assertThat(bed.entra.tokenRequests()).isEqualTo(2);
    assertThat(b.id()).isNotEqualTo(a.id());
    assertThat(b.token()).isNotEqualTo(a.token());
  }

  @Test
  void issueResult_passesEntrasRefreshIn_toTheEngine_andKeepsItInTheAudit() {
    IssueResult<BearerToken> result = issuer.issueResult();

    assertThat(result.refreshIn()).contains(Duration.ofMinutes(20));
    assertThat(result.credential().auditAttributes()).containsEntry("refreshInSeconds", "1200");
    assertThat(result.upstreamTime()).as("expires_in is a duration: no clock needed").isEmpty();
    assertThat(result.staleIn()).isEmpty();
  }

  @Test
  void issueResult_withoutRefreshIn_hasNoHint() {
    try (AzureTestbed plain = new AzureTestbed(time);
        AzureWorkloadIdentity id = plain.identity().build()) {
      IssueResult<BearerToken> result = id.issuer(STORAGE).issueResult();

      assertThat(result.refreshIn()).isEmpty();
      assertThat(result.credential().auditAttributes()).doesNotContainKey("refreshInSeconds");
    }
  }

  @Test
  void expiredTokenFile_reachesEntra_whichRejectsIt_namingTheVariable() {
    time.advance(AzureTestbed.SA_TOKEN_TTL.plusMinutes(1));

    assertThatThrownBy(issuer::issue)
        .isInstanceOfSatisfying(
            CredentialUnavailableException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.REJECTED);
              assertThat(e.isTerminal()).isTrue();
            })
        .hasMessageContaining("AZURE_FEDERATED_TOKEN_FILE")
        .hasMessageContaining("outside its valid time range");
    assertThat(bed.entra.journal().size()).as("Entra, not a local check, judged it").isEqualTo(1);
    assertThat(issuer.describe().principal())
        .as("the failure is audited under the file's subject")
        .isEqualTo(ACCOUNT.subject());
  }

  @Test
  void missingOrGarbageTokenFile_failsBeforeAnyNetworkCall() {
    bed.tokenFile.write("not a jwt");
    assertThatThrownBy(issuer::issue)
        .isInstanceOf(CredentialConfigurationException.class)
        .hasMessageContaining("does not hold a JWT");
    bed.tokenFile.delete();
    assertThatThrownBy(issuer::issue)
        .isInstanceOf(CredentialConfigurationException.class)
        .hasMessageContaining("does not exist");
    assertThat(bed.entra.journal().size()).isZero();
  }

  @Test
  void assertionOutsideItsTimeRangeAtEntra_isAadsts700024_rejected() {
    // valid here (ProjectedToken checks exp), not yet valid at Entra: a skewed node clock
    bed.tokenFile.write(
        bed.oidc.mint(
            ACCOUNT,
            List.of(FederatedCredential.TOKEN_EXCHANGE_AUDIENCE),
            Duration.ofHours(2),
            Map.of("nbf", time.now().plusSeconds(600).getEpochSecond())));

    var e = failure();

    assertThat(e.reason()).isEqualTo(Reason.REJECTED);
    assertThat(e).hasMessageContaining("AADSTS700024").hasMessageContaining("clock");
  }

  @Test
  void noMatchingFederatedRecord_isAadsts70021_rejected_namingIssuerAndSubject() {
    bed.tokenFile.write(
        bed.oidc.mint(
            ServiceAccount.of("payments", "other"),
            FederatedCredential.TOKEN_EXCHANGE_AUDIENCE,
            Duration.ofHours(1)));

    var e = failure();

    assertThat(e.reason()).isEqualTo(Reason.REJECTED);
    assertThat(e.isTerminal()).isTrue();
    assertThat(e)
        .hasMessageContaining("AADSTS70021")
        .hasMessageContaining("system:serviceaccount:payments:other")
        .hasMessageContaining(bed.oidc.issuerUrl());
  }

  @Test
  void unknownApplication_isAadsts700016_configuration_namingTheVariable() {
    bed.entra.unregister(CLIENT_ID);

    var e = failure();

    assertThat(e.reason()).isEqualTo(Reason.CONFIGURATION);
    assertThat(e).hasMessageContaining("AZURE_CLIENT_ID").hasMessageContaining("AADSTS700016");
  }

  @Test
  void unknownTenant_isAadsts90002_configuration_namingTheVariable() {
    try (var wrong = bed.identity().tenantId("contoso.onmicrosoft.com").build()) {
      var e =
          catchThrowableOfType(
              CredentialUnavailableException.class, () -> wrong.issuer(STORAGE).issue());

      assertThat(e.reason()).isEqualTo(Reason.CONFIGURATION);
      assertThat(e).hasMessageContaining("tenantId").hasMessageContaining("AADSTS90002");
    }
  }

  @Test
  void invalidScope_isConfiguration() {
    var bad =
        new EntraTokenIssuer(
            clientOf(identity), "https://storage.azure.com/user_impersonation", time.clock());

    var e = catchThrowableOfType(CredentialUnavailableException.class, bad::issue);

    assertThat(e.reason()).isEqualTo(Reason.CONFIGURATION);
    assertThat(e).hasMessageContaining("invalid_scope");
  }

  @Test
  void throttling_isThrottled_withTheRetryAfterHint() {
    bed.entra.faults().next(Fault.throttle(Duration.ofSeconds(42)));

    var e = failure();

    assertThat(e.reason()).isEqualTo(Reason.THROTTLED);
    assertThat(e.retryAfter()).contains(Duration.ofSeconds(42));
    assertThat(bed.entra.tokenRequests()).as("MSAL's own retries are off").isEqualTo(1);
  }

  @Test
  void serverErrors_areUnavailable_andNotRetriedByMsal() {
    bed.entra.faults().next(Fault.status(503)).next(Fault.status(500));

    assertThat(failure().reason()).isEqualTo(Reason.UNAVAILABLE);
    assertThat(failure().reason()).isEqualTo(Reason.UNAVAILABLE);
    assertThat(bed.entra.tokenRequests()).isEqualTo(2);
  }

  @Test
  void garbageAndTruncatedBodies_areMalformedResponses() {
    bed.entra.faults().next(Fault.malformedBody()).next(Fault.truncatedBody());

    assertThat(failure().reason()).isEqualTo(Reason.MALFORMED_RESPONSE);
    assertThat(failure().reason()).isEqualTo(Reason.MALFORMED_RESPONSE);
  }

  @ParameterizedTest(name = "HTTP {0} -> {1}")
  @CsvSource({
    "400, REJECTED",
    "404, CONFIGURATION",
    "405, CONFIGURATION",
    "408, TIMEOUT",
    "409, REJECTED",
    "422, REJECTED",
    "429, THROTTLED",
    "500, UNAVAILABLE",
    "502, UNAVAILABLE",
    "503, UNAVAILABLE"
  })
  void statusWithoutASharperEntraCode_followsCoresOneTable(int status, Reason expected) {
    bed.entra.faults().next(Fault.status(status));

    var e = failure();

    assertThat(e.reason())
        .isEqualTo(expected)
        .isEqualTo(StatusReasons.standard().reasonFor(status));
    assertThat(e).hasMessageContaining("HTTP " + status);
  }

  @Test
  void connectionReset_isUnavailable() {
    bed.entra.faults().next(Fault.connectionReset());

    var e = failure();

    assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE);
    assertThat(e.isTerminal()).isFalse();
  }

  @Test
  void slowEntra_isATimeout() {
    issuer.issue(); // warm: the first TLS handshake of a cold JVM must not count
    try (var impatient =
        bed.identity().httpClient(AzureTestbed.loopbackHttp(Duration.ofMillis(500))).build()) {
      bed.entra.faults().next(Fault.latency(Duration.ofMillis(1500)));

      var e =
          catchThrowableOfType(
              CredentialUnavailableException.class, () -> impatient.issuer(STORAGE).issue());

      assertThat(e.reason()).isEqualTo(Reason.TIMEOUT);
      assertThat(e.isTerminal()).isFalse();
    }
  }

  @Test
  void noSecret_inAnyFailureMessageOrCause() {
    String assertion = bed.tokenFile.currentToken();
    BearerToken token = issuer.issue();
    bed.entra.faults().next(Fault.status(401)).next(Fault.malformedBody()).next(Fault.status(503));
    bed.entra.unregister(CLIENT_ID);
    StringBuilder all = new StringBuilder();
    for (int i = 0; i < 4; i++) {
      for (Throwable t = failure(); t != null; t = t.getCause()) {
        all.append(t).append('\n');
      }
    }
    assertThat(all.toString())
        .doesNotContain(assertion)
        .doesNotContain(token.token().reveal())
        .doesNotContain(assertion.substring(assertion.lastIndexOf('.') + 1));
    assertThat(issuer.toString()).doesNotContain(assertion);
  }

  @Test
  void instanceDiscovery_isOffForCustomHosts_andOnForMicrosoftsOwn() {
    assertThat(clientOf(identity).settings().instanceDiscovery()).isFalse();
    assertThat(AuthorityHosts.isMicrosoft("login.microsoftonline.com")).isTrue();
    assertThat(AuthorityHosts.isMicrosoft("LOGIN.MICROSOFTONLINE.US")).isTrue();
    assertThat(AuthorityHosts.isMicrosoft("127.0.0.1")).isFalse();
  }

  @Test
  void instanceDiscoveryForcedOnACustomHost_nothingLeavesForAnotherHost() {
    // MSAL sends discovery for an unknown host to login.microsoftonline.com; the bridge refuses
    // it before it is sent, MSAL falls back to its default metadata, and the token still comes.
    List<String> hosts = new ArrayList<>();
    var recording =
        new RecordingHttpClient(AzureTestbed.loopbackHttp(Duration.ofSeconds(10)), hosts);
    try (var discovering = bed.identity().instanceDiscovery(true).httpClient(recording).build()) {
      BearerToken token = discovering.issuer(STORAGE).issue();

      assertThat(token.id()).startsWith("uti:");
      assertThat(hosts).containsExactly("127.0.0.1:" + bed.entra.port());
      assertThat(bed.entra.journal().size()).isEqualTo(1);
    }
  }

  private static EntraClient clientOf(AzureWorkloadIdentity identity) {
    return ((EntraTokenIssuer) identity.issuer(STORAGE)).client();
  }
}
