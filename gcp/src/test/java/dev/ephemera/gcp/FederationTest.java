package dev.ephemera.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ephemera.core.BearerToken;
import dev.ephemera.core.CredentialSource;
import dev.ephemera.core.CredentialUnavailableException;
import dev.ephemera.core.CredentialUnavailableException.Reason;
import dev.ephemera.core.audit.AuditEvent;
import dev.ephemera.core.audit.AuditEventType;
import dev.ephemera.core.spi.CredentialIssuer;
import dev.ephemera.testkit.RecordingAuditListener;
import dev.ephemera.testkit.emulator.EmulatedRequest;
import dev.ephemera.testkit.emulator.Fault;
import dev.ephemera.testkit.gcp.GoogleStsEmulator;
import dev.ephemera.testkit.gcp.GoogleToken;
import dev.ephemera.testkit.gcp.IamCredentialsEmulator;
import dev.ephemera.testkit.oidc.ServiceAccount;
import dev.ephemera.testkit.time.VirtualTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Workload Identity Federation through Google Auth Library's STS handler and
 * ImpersonatedCredentials, over real HTTPS to the emulators, on virtual time.
 */
class FederationTest {
  private final VirtualTime time = VirtualTime.create();
  private final RecordingAuditListener audit = new RecordingAuditListener();
  private GcpTestbed bed;

  @BeforeEach
  void start() {
    bed = GcpTestbed.start(time);
  }

  @AfterEach
  void stop() {
    bed.close();
  }

  private static Consumer<CredentialUnavailableException> reason(Reason expected) {
    return e -> assertThat(e.reason()).isEqualTo(expected);
  }

  private Map<String, String> lastStsForm() {
    var entries = bed.google.sts().journal().entries();
    return entries.get(entries.size() - 1).request().form();
  }

  @Test
  void withoutImpersonation_theFederatedTokenIsServed_andAuditNamesTheWorkload() {
    try (CredentialSource<BearerToken> source =
        bed.federation(bed.federationConfig().build())
            .auditListener(audit)
            .build()
            .accessTokens()) {
      BearerToken token = source.get();
      GoogleToken minted = bed.google.registry().lookup(token.token().reveal()).orElseThrow();
      assertThat(minted.minter()).isEqualTo("sts");
      assertThat(minted.principal()).endsWith("/subject/" + GcpTestbed.WORKLOAD.subject());
      assertThat(token.expiresAt()).isEqualTo(time.now().plusSeconds(3599));

      Map<String, String> form = lastStsForm();
      assertThat(form)
          .containsEntry("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange")
          .containsEntry("subject_token_type", "urn:ietf:params:oauth:token-type:jwt")
          .containsEntry("audience", bed.google.sts().provider())
          .containsEntry("scope", GoogleWorkloadIdentity.CLOUD_PLATFORM)
          .containsEntry("subject_token", bed.tokenFile.currentToken());
      assertThat(bed.google.iam().journal().size()).isZero();

      AuditEvent issued = audit.ofType(AuditEventType.ISSUED).get(0);
      assertThat(issued.provider()).isEqualTo("gcp-wif");
      assertThat(issued.principal()).isEqualTo(GcpTestbed.WORKLOAD.subject());
      assertThat(issued.target()).isEqualTo(bed.google.sts().provider());
      assertThat(issued.credentialId()).contains(token.id());
    }
  }

  @Test
  void theProjectedTokenFile_isReadAgainAtEveryIssuance() {
    CredentialIssuer<BearerToken> issuer =
        bed.federation(bed.federationConfig().build()).build().accessTokenIssuer();
    issuer.issue();
    String first = bed.tokenFile.currentToken();
    assertThat(lastStsForm()).containsEntry("subject_token", first);

    time.advance(Duration.ofMinutes(10));
    bed.tokenFile.rotate();
    issuer.issue();
    assertThat(bed.tokenFile.currentToken()).isNotEqualTo(first);
    assertThat(lastStsForm()).containsEntry("subject_token", bed.tokenFile.currentToken());
  }

  @Test
  void withImpersonation_theServiceAccountsTokenIsServed_withTheChosenLifetime() {
    ExternalAccountConfig config = bed.impersonationConfig(Duration.ofMinutes(20));
    try (CredentialSource<BearerToken> source =
        bed.federation(config).auditListener(audit).build().accessTokens()) {
      BearerToken token = source.get();
      GoogleToken minted = bed.google.registry().lookup(token.token().reveal()).orElseThrow();
      assertThat(minted.minter()).isEqualTo("iam");
      assertThat(minted.principal()).isEqualTo(bed.google.iam().serviceAccount());
      assertThat(token.expiresAt()).isEqualTo(time.now().plus(Duration.ofMinutes(20)));

      EmulatedRequest iam = bed.google.iam().journal().entries().get(0).request();
      assertThat(iam.path()).endsWith(bed.google.iam().serviceAccount() + ":generateAccessToken");
      assertThat(iam.body())
          .contains("\"lifetime\":\"1200s\"")
          .contains(GoogleWorkloadIdentity.CLOUD_PLATFORM);
      String stsToken = iam.header("authorization").orElseThrow().substring("Bearer ".length());
      assertThat(bed.google.registry().lookup(stsToken).orElseThrow().minter()).isEqualTo("sts");

      AuditEvent issued = audit.ofType(AuditEventType.ISSUED).get(0);
      assertThat(issued.provider()).isEqualTo("gcp-wif-impersonation");
      assertThat(issued.principal()).isEqualTo(GcpTestbed.WORKLOAD.subject());
      assertThat(issued.target()).isEqualTo(bed.google.iam().serviceAccount());

      // A refresh exchanges a fresh STS token: nothing is cached between issuances. The refresh
      // falls anywhere in 2/3 ± 10% of 20 min (11.3 to 15.3 min): advance past all of it.
      time.advance(GcpTestbed.pastTheRefreshBand(Duration.ofMinutes(20)));
      assertThat(bed.google.sts().journal().size()).isEqualTo(2);
      assertThat(bed.google.iam().journal().size()).isEqualTo(2);
      assertThat(source.get().id()).isNotEqualTo(token.id());
    }
  }

  @Test
  void idTokens_needImpersonation_andComeFromGenerateIdToken() {
    GoogleWorkloadIdentity plain = bed.federation(bed.federationConfig().build()).build();
    assertThatThrownBy(() -> plain.idTokens("https://svc.example.com"))
        .isInstanceOf(dev.ephemera.core.CredentialConfigurationException.class)
        .hasMessageContaining("service_account_impersonation_url");

    GoogleWorkloadIdentity impersonating =
        bed.federation(bed.impersonationConfig(Duration.ofHours(1))).build();
    try (CredentialSource<BearerToken> ids = impersonating.idTokens("https://svc.example.com")) {
      BearerToken id = ids.get();
      assertThat(id.token().reveal()).startsWith("eyJ");
      assertThat(id.scope()).isEqualTo("https://svc.example.com");
      EmulatedRequest call = bed.google.iam().journal().entries().get(0).request();
      assertThat(call.path()).endsWith(":generateIdToken");
      assertThat(call.body()).contains("https://svc.example.com").contains("\"includeEmail\":true");
    }
  }

  @Test
  void stsInvalidGrant_forATokenWithTheWrongAudience_isRejected() {
    bed.oidc.project(
        bed.tokenFile.path(),
        GcpTestbed.WORKLOAD,
        "https://some-other-audience",
        Duration.ofHours(1));
    assertThatThrownBy(
            () ->
                bed.federation(bed.federationConfig().build()).build().accessTokenIssuer().issue())
        .isInstanceOfSatisfying(
            CredentialUnavailableException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.REJECTED);
              assertThat(e.getMessage())
                  .contains("invalid_grant")
                  .contains("WRONG_AUDIENCE")
                  .doesNotContain(bed.tokenFile.currentToken());
            });
  }

  @Test
  void stsInvalidTarget_forAnUnknownProvider_isAConfigurationError() {
    ExternalAccountConfig config =
        bed.federationConfig()
            .audience(
                "//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/gone")
            .build();
    assertThatThrownBy(() -> bed.federation(config).build().accessTokenIssuer().issue())
        .isInstanceOfSatisfying(
            CredentialUnavailableException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.CONFIGURATION);
              assertThat(e.getMessage()).contains("invalid_target");
            });
  }

  @Test
  void stsInvalidRequest_isAConfigurationError() {
    bed.google.sts().faults().next(Fault.status(400));
    assertThatThrownBy(
            () ->
                bed.federation(bed.federationConfig().build()).build().accessTokenIssuer().issue())
        .isInstanceOfSatisfying(
            CredentialUnavailableException.class,
            e -> {
              reason(Reason.CONFIGURATION).accept(e);
              assertThat(e.getMessage()).contains("invalid_request");
            });
  }

  @Test
  void stsUnauthorizedClient_fromTheAttributeCondition_isRejected() {
    try (GoogleStsEmulator strict =
        GoogleStsEmulator.builder(time.upstreamClock(), bed.oidc)
            .registry(bed.google.registry())
            .attributeCondition(t -> t.subject().endsWith(":billing:worker"))
            .start()) {
      ExternalAccountConfig config = bed.federationConfig().tokenUrl(strict.tokenUrl()).build();
      assertThatThrownBy(() -> bed.federation(config).build().accessTokenIssuer().issue())
          .isInstanceOfSatisfying(
              CredentialUnavailableException.class,
              e -> {
                assertThat(e.reason()).isEqualTo(Reason.REJECTED);
                assertThat(e.getMessage())
                    .contains("unauthorized_client")
                    .contains("attribute condition");
              });
    }
  }

  @Test
  void aMissingTokenFile_isAConfigurationError_beforeAnyCall() {
    CredentialIssuer<BearerToken> issuer =
        bed.federation(bed.federationConfig().build()).build().accessTokenIssuer();
    bed.tokenFile.delete();
    assertThatThrownBy(issuer::issue)
        .isInstanceOf(dev.ephemera.core.CredentialConfigurationException.class)
        .hasMessageContaining("does not exist");
    assertThat(bed.google.sts().journal().size()).isZero();
  }

  @Test
  void anExpiredTokenFile_isSentToSts_whichRejectsIt_terminally() {
    // No local pre-check of exp: STS judges it on its own clock (a local clock running ahead would
    // otherwise refuse a token STS still accepts).
    CredentialIssuer<BearerToken> issuer =
        bed.federation(bed.federationConfig().build()).build().accessTokenIssuer();
    bed.oidc.project(
        bed.tokenFile.path(),
        ServiceAccount.of("payments", "api"),
        bed.google.sts().subjectTokenAudience(),
        Duration.ofMinutes(10));
    time.advance(Duration.ofMinutes(11));
    assertThatThrownBy(issuer::issue)
        .isInstanceOfSatisfying(
            CredentialUnavailableException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.REJECTED);
              assertThat(e.isTerminal()).isTrue();
              assertThat(e.getMessage())
                  .contains("invalid_grant")
                  .contains("EXPIRED")
                  .doesNotContain(bed.tokenFile.currentToken());
            });
    assertThat(bed.google.sts().journal().size()).as("STS judged the token").isEqualTo(1);
  }

  @Test
  void iamPermissionDenied403_isRejected() {
    try (IamCredentialsEmulator denying =
        IamCredentialsEmulator.builder(time.upstreamClock())
            .registry(bed.google.registry())
            .permit(caller -> false)
            .start()) {
      ExternalAccountConfig config =
          bed.federationConfig()
              .serviceAccountImpersonationUrl(denying.impersonationUrl(denying.serviceAccount()))
              .build();
      assertThatThrownBy(() -> bed.federation(config).build().accessTokenIssuer().issue())
          .isInstanceOfSatisfying(
              CredentialUnavailableException.class,
              e -> {
                assertThat(e.reason()).isEqualTo(Reason.REJECTED);
                assertThat(e.getMessage()).contains("HTTP 403").contains("PERMISSION_DENIED");
              });
    }
  }

  @Test
  void iamUnknownServiceAccount404_isAConfigurationError() {
    ExternalAccountConfig config =
        bed.federationConfig()
            .serviceAccountImpersonationUrl(
                bed.google.iam().impersonationUrl("nobody@p.iam.gserviceaccount.com"))
            .build();
    assertThatThrownBy(() -> bed.federation(config).build().accessTokenIssuer().issue())
        .isInstanceOfSatisfying(
            CredentialUnavailableException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.CONFIGURATION);
              assertThat(e.getMessage()).contains("HTTP 404").contains("NOT_FOUND");
            });
  }

  @Test
  void iamLifetimeAboveThePolicy_isAConfigurationError() {
    ExternalAccountConfig config = bed.impersonationConfig(Duration.ofHours(2));
    assertThatThrownBy(() -> bed.federation(config).build().accessTokenIssuer().issue())
        .isInstanceOfSatisfying(
            CredentialUnavailableException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.CONFIGURATION);
              assertThat(e.getMessage()).contains("INVALID_ARGUMENT");
            });
  }

  @Test
  void iamQuota429_isThrottled_withItsRetryAfter() {
    bed.google.iam().faults().next(Fault.throttle(Duration.ofSeconds(30)));
    assertThatThrownBy(
            () ->
                bed.federation(bed.impersonationConfig(Duration.ofHours(1)))
                    .build()
                    .accessTokenIssuer()
                    .issue())
        .isInstanceOfSatisfying(
            CredentialUnavailableException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.THROTTLED);
              assertThat(e.retryAfter()).contains(Duration.ofSeconds(30));
              assertThat(e.getMessage()).contains("RESOURCE_EXHAUSTED");
            });
  }

  @Test
  void iamExpireTimeThatIsNotRfc3339_isAMalformedResponse() {
    try (IamCredentialsEmulator sloppy =
            IamCredentialsEmulator.builder(time.upstreamClock())
                .registry(bed.google.registry())
                .expireTimeFormat(Instant::toString)
                .start();
        IamCredentialsEmulator garbage =
            IamCredentialsEmulator.builder(time.upstreamClock())
                .registry(bed.google.registry())
                .expireTimeFormat(t -> "in an hour")
                .start()) {
      ExternalAccountConfig ok =
          bed.federationConfig()
              .serviceAccountImpersonationUrl(sloppy.impersonationUrl(sloppy.serviceAccount()))
              .build();
      assertThat(bed.federation(ok).build().accessTokenIssuer().issue().expiresAt())
          .isEqualTo(time.now().plus(Duration.ofHours(1)));
      ExternalAccountConfig bad =
          bed.federationConfig()
              .serviceAccountImpersonationUrl(garbage.impersonationUrl(garbage.serviceAccount()))
              .build();
      assertThatThrownBy(() -> bed.federation(bad).build().accessTokenIssuer().issue())
          .isInstanceOfSatisfying(
              CredentialUnavailableException.class,
              e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED_RESPONSE));
    }
  }

  @Test
  void stsServerErrorsAndGarbage_areTransient() {
    CredentialIssuer<BearerToken> issuer =
        bed.federation(bed.federationConfig().build()).build().accessTokenIssuer();
    for (Fault f : List.of(Fault.status(503), Fault.malformedBody(), Fault.connectionReset())) {
      bed.google.sts().faults().next(f);
      assertThatThrownBy(issuer::issue)
          .isInstanceOfSatisfying(
              CredentialUnavailableException.class, e -> assertThat(e.isTerminal()).isFalse());
    }
    assertThat(issuer.issue()).isNotNull();
  }

  @Test
  void aJsonSubjectTokenFile_isReadThroughItsField() throws java.io.IOException {
    java.nio.file.Path json = bed.dir.resolve("token.json");
    java.nio.file.Files.writeString(
        json, "{\"id_token\":\"" + bed.tokenFile.currentToken() + "\",\"other\":1}");
    ExternalAccountConfig config =
        bed.federationConfig().subjectTokenFile(json).subjectTokenJsonField("id_token").build();
    assertThat(bed.federation(config).build().accessTokenIssuer().issue()).isNotNull();
    assertThat(lastStsForm()).containsEntry("subject_token", bed.tokenFile.currentToken());
    java.nio.file.Files.writeString(json, "{\"nope\":1}");
    assertThatThrownBy(() -> bed.federation(config).build().accessTokenIssuer().issue())
        .isInstanceOf(dev.ephemera.core.CredentialConfigurationException.class)
        .hasMessageContaining("id_token");
  }
}
