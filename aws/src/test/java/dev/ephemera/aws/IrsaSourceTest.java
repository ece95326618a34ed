package dev.ephemera.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ephemera.aws.internal.StsClients;
import dev.ephemera.core.CredentialConfigurationException;
import dev.ephemera.core.CredentialSource;
import dev.ephemera.core.CredentialUnavailableException;
import dev.ephemera.core.CredentialUnavailableException.Reason;
import dev.ephemera.core.Environment;
import dev.ephemera.core.audit.AuditEvent;
import dev.ephemera.core.audit.AuditEventType;
import dev.ephemera.core.scope.ScopedCredentials;
import dev.ephemera.testkit.RecordingAuditListener;
import dev.ephemera.testkit.aws.IssuedAwsCredentials;
import dev.ephemera.testkit.aws.StsEmulator;
import dev.ephemera.testkit.aws.StsError;
import dev.ephemera.testkit.emulator.EmulatedRequest;
import dev.ephemera.testkit.emulator.Fault;
import dev.ephemera.testkit.oidc.OidcIssuer;
import dev.ephemera.testkit.time.VirtualTime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.regions.Region;

/** IRSA end to end: the SDK's STS client over HTTP against the STS emulator, on virtual time. */
class IrsaSourceTest {
  @SuppressWarnings("NullAway.Init")
  @TempDir
  Path dir;

  @SuppressWarnings("NullAway.Init")
  private VirtualTime time;

  @SuppressWarnings("NullAway.Init")
  private IrsaWorld world;

  private final RecordingAuditListener audit = new RecordingAuditListener();

  @BeforeEach
  void start() {
    time = VirtualTime.create();
    world = new IrsaWorld(time, dir);
  }

  @AfterEach
  void stop() {
    world.close();
  }

  private CredentialSource<AwsSessionCredential> source() {
    return world.irsa().auditListener(audit).prefetch(false).build();
  }

  private EmulatedRequest lastRequest() {
    var entries = world.sts.journal().entries();
    return entries.get(entries.size() - 1).request();
  }

  @Test
  void get_assumesTheRole_withTheProjectedToken_andReturnsWhatStsIssued() {
    try (var source = source()) {
      AwsSessionCredential c = source.get();

      IssuedAwsCredentials issued = world.sts.issued(c.id()).orElseThrow();
      assertThat(c.id()).startsWith("ASIA");
      assertThat(c.secretAccessKey().reveal()).isEqualTo(issued.secretAccessKey());
      assertThat(c.sessionToken().reveal()).isEqualTo(issued.sessionToken());
      assertThat(c.expiresAt()).isEqualTo(time.now().plus(Duration.ofHours(1)));
      assertThat(c.assumedRoleArn())
          .contains("arn:aws:sts::111122223333:assumed-role/shop-app/shop-app-pod-1");
      assertThat(c.accountId()).contains("111122223333");

      Map<String, String> form = lastRequest().form();
      assertThat(form)
          .containsEntry("Action", "AssumeRoleWithWebIdentity")
          .containsEntry("Version", "2011-06-15")
          .containsEntry("RoleArn", IrsaWorld.ROLE)
          .containsEntry("RoleSessionName", "shop-app-pod-1")
          .containsEntry("DurationSeconds", "3600")
          .containsEntry("WebIdentityToken", world.token.currentToken())
          .doesNotContainKey("Policy");
      assertThat(lastRequest().header("Authorization")).as("the call is unsigned").isEmpty();
    }
  }

  @Test
  void everyIssuance_rereadsTheTokenFile_becauseTheKubeletRotatesIt() {
    try (var source = source()) {
      source.get();
      String first = world.token.currentToken();
      time.advance(Duration.ofMinutes(1));
      world.token.rotate();
      assertThat(world.token.currentToken()).isNotEqualTo(first);

      AwsSessionCredential next = source.refresh().join();

      assertThat(lastRequest().form())
          .containsEntry("WebIdentityToken", world.token.currentToken());
      assertThat(world.sts.issued(next.id())).isPresent();
    }
  }

  @Test
  void auditEvents_carrySubRoleScopeAccessKeyAssumedRoleAndRequestId() {
    SessionPolicy scope = SessionPolicy.s3ReadOnly("acme-reports", "2026/");
    try (var source = world.irsa().auditListener(audit).sessionPolicy(scope).build()) {
      AwsSessionCredential c = source.get();
      IssuedAwsCredentials issued = world.sts.issued(c.id()).orElseThrow();

      AuditEvent e = audit.ofType(AuditEventType.ISSUED).get(0);
      assertThat(e.provider()).isEqualTo("aws-irsa");
      assertThat(e.principal()).isEqualTo(IrsaWorld.APP.subject());
      assertThat(e.target()).isEqualTo(IrsaWorld.ROLE);
      assertThat(e.scope()).isEqualTo(scope.digest()).startsWith("sha256:");
      assertThat(e.credentialId()).contains(c.id());
      assertThat(e.attributes())
          .containsEntry("assumedRoleArn", c.assumedRoleArn().orElseThrow())
          .containsEntry("requestId", issued.requestId());
      assertThat(issued.policy()).contains(scope.inlinePolicy().orElseThrow());
    }
  }

  @Test
  void sessionDuration_isSentAsDurationSeconds_andBoundsAreCheckedBeforeAnyCall() {
    try (var source = world.irsa().sessionDuration(Duration.ofHours(2)).build()) {
      AwsSessionCredential c = source.get();
      assertThat(lastRequest().form()).containsEntry("DurationSeconds", "7200");
      assertThat(c.expiresAt()).isEqualTo(time.now().plus(Duration.ofHours(2)));
    }
    for (Duration bad :
        List.of(Duration.ofSeconds(899), Duration.ofSeconds(43_201), Duration.ofMillis(900_500))) {
      assertThatThrownBy(() -> world.irsa().sessionDuration(bad).build())
          .isInstanceOfSatisfying(
              CredentialConfigurationException.class,
              e -> assertThat(e.setting()).isEqualTo("sessionDuration"));
    }
    assertThat(world.sts.calls()).isEqualTo(1);
  }

  @Test
  void scopedCredentials_giveOneSourcePerPolicy_eachNarrowedOnTheWire() {
    SessionPolicy reports = SessionPolicy.s3ReadOnly("acme-reports", "");
    SessionPolicy queue = SessionPolicy.managed("arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess");
    try (ScopedCredentials<SessionPolicy, AwsSessionCredential> scoped =
        world.irsa().auditListener(audit).buildScoped()) {
      AwsSessionCredential r1 = scoped.get(reports);
      AwsSessionCredential q1 = scoped.get(queue);
      AwsSessionCredential r2 = scoped.get(reports);

      assertThat(r2.id()).isEqualTo(r1.id());
      assertThat(q1.id()).isNotEqualTo(r1.id());
      assertThat(world.sts.calls()).isEqualTo(2);
      assertThat(world.sts.issued(r1.id()).orElseThrow().policy())
          .contains(reports.inlinePolicy().orElseThrow());
      assertThat(world.sts.issued(q1.id()).orElseThrow().policyArns())
          .containsExactly("arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess");
      assertThat(lastRequest().form())
          .containsEntry(
              "PolicyArns.member.1.arn", "arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess");
      assertThat(audit.ofType(AuditEventType.ISSUED))
          .extracting(AuditEvent::scope)
          .containsExactlyInAnyOrder(reports.digest(), queue.digest());
    }
  }

  // ------------------------------------------------------------------ one fault per STS code

  @ParameterizedTest
  @EnumSource(StsError.class)
  void everyStsErrorCode_isClassifiedAsProtocolsSays_andNeverLeaksTheToken(StsError error) {
    world.sts.failNext(error);
    try (var source = source()) {
      assertThatThrownBy(source::get)
          .isInstanceOfSatisfying(
              CredentialUnavailableException.class,
              e -> {
                assertThat(e.reason()).isEqualTo(expectedReason(error));
                assertThat(e.getMessage())
                    .contains(error.code())
                    .contains("HTTP " + error.status())
                    .contains(IrsaWorld.ROLE)
                    .doesNotContain(world.token.currentToken());
              });
      AuditEvent failed = audit.ofType(AuditEventType.REFRESH_FAILED).get(0);
      assertThat(failed.error().orElseThrow().reason()).isEqualTo(expectedReason(error).name());
      assertThat(failed.error().orElseThrow().terminal())
          .isEqualTo(expectedReason(error).isTerminal());
    }
  }

  private static Reason expectedReason(StsError error) {
    return switch (error) {
      case INVALID_IDENTITY_TOKEN, IDP_REJECTED_CLAIM, ACCESS_DENIED, REGION_DISABLED ->
          Reason.REJECTED;
      case MALFORMED_POLICY_DOCUMENT, PACKED_POLICY_TOO_LARGE, VALIDATION_ERROR ->
          Reason.CONFIGURATION;
      case EXPIRED_TOKEN, IDP_COMMUNICATION_ERROR, INTERNAL_FAILURE, SERVICE_UNAVAILABLE ->
          Reason.UNAVAILABLE;
      case THROTTLING -> Reason.THROTTLED;
    };
  }

  @Test
  void aTokenFromAnotherIssuer_isInvalidIdentityToken_rejected() {
    try (OidcIssuer stranger = OidcIssuer.start(time.upstreamClock())) {
      world.token.write(
          stranger.mint(IrsaWorld.APP, StsEmulator.DEFAULT_AUDIENCE, Duration.ofHours(1)));
      try (var source = source()) {
        assertThatThrownBy(source::get)
            .isInstanceOfSatisfying(
                CredentialUnavailableException.class,
                e -> {
                  assertThat(e.reason()).isEqualTo(Reason.REJECTED);
                  assertThat(e.getMessage()).contains("InvalidIdentityToken");
                });
      }
    }
  }

  @Test
  void aRoleWhoseTrustDoesNotNameTheSub_isAccessDenied_rejected() {
    try (var source = world.irsa().roleArn(IrsaWorld.OTHER_ROLE).prefetch(false).build()) {
      assertThatThrownBy(source::get)
          .isInstanceOfSatisfying(
              CredentialUnavailableException.class,
              e -> {
                assertThat(e.reason()).isEqualTo(Reason.REJECTED);
                assertThat(e.getMessage()).contains("AccessDenied").contains("trust policy");
              });
    }
  }

  @Test
  void aBannedSub_isIdpRejectedClaim_andAnOverlongSession_isValidationError() {
    world.token.write(
        world.oidc.mint(
            dev.ephemera.testkit.oidc.ServiceAccount.of("shop", "banned"),
            StsEmulator.DEFAULT_AUDIENCE,
            Duration.ofHours(1)));
    try (var source = source()) {
      assertThatThrownBy(source::get).hasMessageContaining("IDPRejectedClaim");
    }
    world.token.rotate();
    try (var source = world.irsa().sessionDuration(Duration.ofHours(3)).prefetch(false).build()) {
      assertThatThrownBy(source::get)
          .isInstanceOfSatisfying(
              CredentialUnavailableException.class,
              e -> {
                assertThat(e.reason()).isEqualTo(Reason.CONFIGURATION);
                assertThat(e.getMessage())
                    .contains("ValidationError")
                    .contains("MaxSessionDuration");
              });
    }
  }

  @Test
  void aPolicyThatIsNotJson_isMalformedPolicyDocument_aConfigurationError() {
    try (var source =
        world
            .irsa()
            .sessionPolicy(SessionPolicy.inline("Allow everything"))
            .prefetch(false)
            .build()) {
      assertThatThrownBy(source::get)
          .isInstanceOfSatisfying(
              CredentialUnavailableException.class,
              e -> {
                assertThat(e.reason()).isEqualTo(Reason.CONFIGURATION);
                assertThat(e.getMessage()).contains("MalformedPolicyDocument");
              });
    }
  }

  @Test
  void expiredTokenAtSts_isTransient_andTheRetryCarriesTheRotatedFile() {
    try (var source = world.irsa().auditListener(audit).build()) {
      AwsSessionCredential held = source.get();
      time.advance(Duration.ofMinutes(1));
      world.sts.failNext(StsError.EXPIRED_TOKEN);
      assertThatThrownBy(() -> source.refresh().join())
          .hasMessageContaining("ExpiredTokenException");
      assertThat(audit.ofType(AuditEventType.REFRESH_FAILED))
          .singleElement()
          .satisfies(e -> assertThat(e.error().orElseThrow().terminal()).isFalse());
      assertThat(source.get().id()).as("the held credential is still served").isEqualTo(held.id());

      world.token.rotate(); // the kubelet catches up
      time.advance(Duration.ofSeconds(2)); // the first transient backoff is at most 1 s

      assertThat(source.get().id()).isNotEqualTo(held.id());
      assertThat(lastRequest().form())
          .containsEntry("WebIdentityToken", world.token.currentToken());
    }
  }

  @Test
  void aSlowSts_isATimeout_withAShortClientTimeout() {
    try (StsClients.Owned quick =
            StsClients.build(
                Region.US_WEST_2,
                world.sts.endpoint(),
                Duration.ofSeconds(1),
                Duration.ofMillis(200));
        var source = world.irsa().stsClient(quick.sts()).prefetch(false).build()) {
      world.sts.faults().next(Fault.latency(Duration.ofMillis(1500)));
      assertThatThrownBy(source::get)
          .isInstanceOfSatisfying(
              CredentialUnavailableException.class,
              e -> assertThat(e.reason()).isEqualTo(Reason.TIMEOUT));
    }
  }

  @Test
  void noSdkRetries_oneIssuanceIsOneRequest_evenOn503() {
    world.sts.faults().next(Fault.status(503));
    try (var source = source()) {
      assertThatThrownBy(source::get).isInstanceOf(CredentialUnavailableException.class);
      assertThat(world.sts.calls()).as("the engine retries, not the SDK").isEqualTo(1);
    }
  }

  // ------------------------------------------------------------------ pre-flight

  @Test
  void aMissingTokenFile_failsBeforeCallingSts_namingTheSetting_andIsAudited() {
    world.token.delete();
    try (var source = source()) {
      assertThatThrownBy(source::get)
          .isInstanceOfSatisfying(
              CredentialUnavailableException.class,
              e -> {
                assertThat(e.reason()).isEqualTo(Reason.CONFIGURATION);
                assertThat(e.getMessage())
                    .contains("webIdentityTokenFile")
                    .contains("does not exist");
              });
    }
    assertThat(world.sts.calls()).isZero();
    assertThat(audit.ofType(AuditEventType.REFRESH_FAILED))
        .singleElement()
        .satisfies(e -> assertThat(e.error().orElseThrow().reason()).isEqualTo("CONFIGURATION"));
  }

  @Test
  void anEmptyOrGarbledTokenFile_failsBeforeCallingSts() {
    world.token.write("");
    try (var source = source()) {
      assertThatThrownBy(source::get).hasMessageContaining("empty");
    }
    world.token.write("not-a-jwt");
    try (var source = source()) {
      assertThatThrownBy(source::get).hasMessageContaining("does not hold a JWT");
    }
    assertThat(world.sts.calls()).isZero();
  }

  @Test
  void anAlreadyExpiredToken_isSentToSts_whichRefusesItAsExpired_withAHintAboutTheFile() {
    // No local pre-check of exp: only STS's clock decides (a local clock ahead would otherwise stop
    // a working pod). STS refuses it with ExpiredTokenException, which is transient: the kubelet
    // may have rotated the file by the next attempt.
    world.oidc.project(
        world.token.path(), IrsaWorld.APP, StsEmulator.DEFAULT_AUDIENCE, Duration.ofMinutes(10));
    time.advance(Duration.ofMinutes(11));
    try (var source = source()) {
      assertThatThrownBy(source::get)
          .isInstanceOfSatisfying(
              CredentialUnavailableException.class,
              e -> {
                assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE);
                assertThat(e.isTerminal()).isFalse();
                assertThat(e.getMessage())
                    .contains("ExpiredTokenException")
                    .contains("token file is re-read")
                    .doesNotContain(world.token.currentToken());
              });
    }
    assertThat(world.sts.calls()).as("STS, not a local check, judged the token").isEqualTo(1);
    assertThat(world.sts.issued()).isEmpty();
    assertThat(audit.count(AuditEventType.REFRESH_FAILED)).isEqualTo(1);
  }

  // ------------------------------------------------------------------ environment

  @Test
  void irsaFromEnvironment_readsWhatEksInjects_andWorksEndToEnd() {
    Environment env =
        Environment.of(
            Map.of(
                "AWS_ROLE_ARN", IrsaWorld.ROLE,
                "AWS_WEB_IDENTITY_TOKEN_FILE", world.token.path().toString(),
                "AWS_DEFAULT_REGION", "us-west-2",
                "AWS_REGION", "us-west-2",
                "AWS_STS_REGIONAL_ENDPOINTS", "regional",
                "AWS_ENDPOINT_URL_STS", world.sts.endpoint().toString(),
                "POD_NAME", "shop-app-7d9f8-xk2p1"));
    try (var source =
        AwsCredentialSources.irsaFromEnvironment(env).timebase(time).auditListener(audit).build()) {
      AwsSessionCredential c = source.get();
      assertThat(world.sts.issued(c.id())).isPresent();
      assertThat(lastRequest().form())
          .containsEntry("RoleSessionName", "ephemera-shop-app-7d9f8-xk2p1");
    }
  }

  @Test
  void fromEnvironment_withRealTime_issuesAndClosesCleanly() {
    java.time.Clock real = java.time.Clock.systemUTC();
    try (OidcIssuer oidc = OidcIssuer.start(real);
        StsEmulator sts =
            StsEmulator.builder(oidc)
                .clock(real)
                .role(IrsaWorld.ROLE, IrsaWorld.APP.subject())
                .start()) {
      var token =
          oidc.project(
              dir.resolve("real-token"),
              IrsaWorld.APP,
              StsEmulator.DEFAULT_AUDIENCE,
              Duration.ofHours(1));
      Environment env =
          Environment.of(
              Map.of(
                  "AWS_ROLE_ARN",
                  IrsaWorld.ROLE,
                  "AWS_WEB_IDENTITY_TOKEN_FILE",
                  token.path().toString(),
                  "AWS_REGION",
                  "eu-central-1",
                  "AWS_ROLE_SESSION_NAME",
                  "batch-job",
                  "AWS_ENDPOINT_URL_STS",
                  sts.endpoint().toString()));
      CredentialSource<AwsSessionCredential> source = AwsCredentialSources.fromEnvironment(env);
      try {
        assertThat(sts.issued(source.get().id())).isPresent();
        assertThat(sts.issued().get(0).sessionName()).isEqualTo("batch-job");
      } finally {
        source.close();
      }
      assertThatThrownBy(source::get)
          .isInstanceOfSatisfying(
              CredentialUnavailableException.class,
              e -> assertThat(e.reason()).isEqualTo(Reason.CLOSED));
    }
  }
}
