package dev.ephemera.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ephemera.core.CredentialUnavailableException;
import dev.ephemera.core.CredentialUnavailableException.Reason;
import dev.ephemera.testkit.emulator.Fault;
import dev.ephemera.testkit.oidc.ServiceAccount;
import dev.ephemera.testkit.time.VirtualTime;
import dev.ephemera.testkit.vault.VaultRole;
import dev.ephemera.vault.internal.LeaseIssuer;
import dev.ephemera.vault.internal.TokenIssuer;
import dev.ephemera.vault.internal.VaultTransport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each Vault status and transport failure, through the real driver, mapped to its reason. */
class VaultErrorMappingTest {
  private Testbed bed;
  private TokenIssuer issuer;

  @BeforeEach
  void start(@TempDir Path dir) {
    bed =
        new Testbed(
            VirtualTime.create(),
            dir,
            VaultRole.builder(Testbed.ROLE)
                .boundServiceAccount(Testbed.SA)
                .ttl(Duration.ofMinutes(10))
                .maxTtl(Duration.ofMinutes(10))
                .build());
    bed.vault.dynamicSecret(Testbed.DB, Duration.ofHours(1), Duration.ofHours(2), true);
    issuer = bed.tokenIssuer();
  }

  @AfterEach
  void stop() {
    bed.close();
  }

  private static void fails(ThrowingCallable call, Reason reason, Consumer<String> message) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            CredentialUnavailableException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(reason);
              message.accept(e.getMessage());
            });
  }

  private TokenIssuer issuerFor(String role, String mount) {
    return bed.tokenIssuer(
        bed.transport(), VaultLogin.kubernetes(role, bed.tokenFile.path()).withMount(mount));
  }

  @Test
  void login403_serviceAccountNotBound_isRejected_withVaultsMessage_andNoJwt() {
    bed.vault.kubernetesRole(
        VaultRole.builder("other").boundServiceAccount(ServiceAccount.of("payments", "x")).build());
    fails(
        issuerFor("other", "kubernetes")::issue,
        Reason.REJECTED,
        m ->
            assertThat(m)
                .contains("HTTP 403", "service account name not authorized")
                .doesNotContain(bed.tokenFile.currentToken()));
  }

  @Test
  void login400_unknownRole_isAConfigurationError() {
    fails(
        issuerFor("nope", "kubernetes")::issue,
        Reason.CONFIGURATION,
        m -> assertThat(m).contains("HTTP 400", "invalid role name \"nope\""));
  }

  @Test
  void login404_unknownMount_isAConfigurationError() {
    fails(
        issuerFor(Testbed.ROLE, "k8s-elsewhere")::issue,
        Reason.CONFIGURATION,
        m -> assertThat(m).contains("HTTP 404", "auth/k8s-elsewhere/login"));
  }

  @Test
  void throttled429_isThrottled_withRetryAfter() {
    bed.vault.faults().next(Fault.throttle(Duration.ofSeconds(7)));
    assertThatThrownBy(issuer::issue)
        .isInstanceOfSatisfying(
            CredentialUnavailableException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.THROTTLED);
              assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));
              assertThat(e.getMessage()).contains("rate limit quota exceeded");
            });
  }

  @Test
  void sealed503_and5xx_and412_areTransient() {
    for (int status : new int[] {503, 500, 502, 504, 412}) {
      int before = bed.calls("/login");
      bed.vault.faults().next(Fault.status(status));
      fails(issuer::issue, Reason.UNAVAILABLE, m -> assertThat(m).contains("HTTP " + status));
      assertThat(bed.calls("/login"))
          .as("one request: the driver does not retry on its own")
          .isEqualTo(before + 1);
    }
    bed.vault.seal();
    fails(issuer::issue, Reason.UNAVAILABLE, m -> assertThat(m).contains("Vault is sealed"));
  }

  @Test
  void garbledAnswersAndResets_areMalformedOrUnavailable() {
    bed.vault.faults().next(Fault.malformedBody());
    fails(issuer::issue, Reason.MALFORMED_RESPONSE, m -> assertThat(m).contains("login"));
    bed.vault.faults().next(Fault.truncatedBody());
    fails(issuer::issue, Reason.MALFORMED_RESPONSE, m -> {});
    bed.vault.faults().next(Fault.expiredCredential());
    fails(
        issuer::issue, Reason.MALFORMED_RESPONSE, m -> assertThat(m).contains("lease_duration 0"));
    bed.vault.faults().next(Fault.connectionReset());
    fails(issuer::issue, Reason.UNAVAILABLE, m -> assertThat(m).contains("cannot reach Vault"));
  }

  @Test
  void slowAnswer_pastTheReadTimeout_isATimeout() {
    VaultTransport quick = bed.transport(bed.vault.address(), Duration.ofSeconds(1));
    TokenIssuer impatient =
        bed.tokenIssuer(quick, VaultLogin.kubernetes(Testbed.ROLE, bed.tokenFile.path()));
    bed.vault.faults().next(Fault.latency(Duration.ofMillis(1600)));
    fails(
        impatient::issue, Reason.TIMEOUT, m -> assertThat(m).contains("did not complete in time"));
  }

  @Test
  void renewalPastTheMaxTtl_isRefused_soTheEngineLogsInAgain() {
    VaultToken token = issuer.issue();
    bed.time.advance(Duration.ofMillis(599_500)); // half a second of max TTL left
    fails(
        () -> issuer.renew(token),
        Reason.REJECTED,
        m -> assertThat(m).contains("HTTP 400", "past the max TTL, cannot renew"));
    assertThat(Reason.REJECTED.isTerminal()).isTrue();
  }

  @Test
  void renewalOfARevokedToken_isRejected_andRevokingItAgainCountsAsDone() {
    VaultToken token = issuer.issue();
    assertThat(issuer.revoke(token)).isTrue();
    fails(
        () -> issuer.renew(token),
        Reason.REJECTED,
        m -> assertThat(m).contains("permission denied"));
    assertThat(issuer.revoke(token)).isTrue();
  }

  @Test
  void nonRenewableToken_isNotRenewed_butReissued() {
    VaultToken token = issuer.issue().toBuilder().renewable(false).build();
    assertThat(issuer.renew(token)).isEmpty();
  }

  @Test
  void leaseErrors_400OnRenewalIsRejected_404PathIsConfiguration() {
    VaultToken token = issuer.issue();
    var tokens = dev.ephemera.core.CredentialSources.refreshing(issuer).timebase(bed.time).build();
    LeaseIssuer leases =
        new LeaseIssuer(
            bed.transport(), tokens, Testbed.DB, bed.time.clock(), null, issuer::describe);
    VaultLease lease = leases.issue();
    assertThat(leases.revoke(lease)).isTrue();
    fails(
        () -> leases.renew(lease),
        Reason.REJECTED,
        m -> assertThat(m).contains("HTTP 400", "lease not found or lease is not renewable"));
    LeaseIssuer missing =
        new LeaseIssuer(
            bed.transport(),
            tokens,
            "database/creds/nope",
            bed.time.clock(),
            null,
            issuer::describe);
    fails(missing::issue, Reason.CONFIGURATION, m -> assertThat(m).contains("HTTP 404"));
    assertThat(token.id()).isNotEmpty();
    tokens.close();
    assertThat(Optional.of(lease).map(VaultLease::renewable)).contains(true);
  }
}
