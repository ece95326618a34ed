package dev.ephemera.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ephemera.core.CredentialSource;
import dev.ephemera.core.CredentialUnavailableException;
import dev.ephemera.core.CredentialUnavailableException.Reason;
import dev.ephemera.core.Environment;
import dev.ephemera.core.audit.AuditEvent;
import dev.ephemera.core.audit.AuditEventType;
import dev.ephemera.core.spi.CredentialIssuer;
import dev.ephemera.testkit.RecordingAuditListener;
import dev.ephemera.testkit.aws.IssuedAwsCredentials;
import dev.ephemera.testkit.aws.PodIdentityAgentEmulator;
import dev.ephemera.testkit.contract.ContractFixture;
import dev.ephemera.testkit.contract.CredentialSourceContract;
import dev.ephemera.testkit.emulator.EmulatedRequest;
import dev.ephemera.testkit.emulator.Fault;
import dev.ephemera.testkit.emulator.FaultPlan;
import dev.ephemera.testkit.oidc.OidcIssuer;
import dev.ephemera.testkit.oidc.ServiceAccount;
import dev.ephemera.testkit.oidc.TokenFile;
import dev.ephemera.testkit.time.VirtualTime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** EKS Pod Identity end to end against the agent emulator over HTTP, on virtual time. */
class PodIdentitySourceTest {
  static final String ROLE = "arn:aws:iam::444455556666:role/orders";
  static final ServiceAccount APP = ServiceAccount.of("orders", "api");

  @SuppressWarnings("NullAway.Init")
  @TempDir
  Path dir;

  private final VirtualTime time = VirtualTime.create();
  private final RecordingAuditListener audit = new RecordingAuditListener();

  @SuppressWarnings("NullAway.Init")
  private OidcIssuer oidc;

  @SuppressWarnings("NullAway.Init")
  private PodIdentityAgentEmulator agent;

  @SuppressWarnings("NullAway.Init")
  private TokenFile token;

  @BeforeEach
  void start() {
    oidc = OidcIssuer.start(time.upstreamClock());
    agent =
        PodIdentityAgentEmulator.builder(oidc)
            .clock(time.upstreamClock())
            .association(APP.subject(), ROLE)
            .start();
    token =
        oidc.project(
            dir.resolve("eks-pod-identity-token"),
            APP,
            PodIdentityAgentEmulator.AUDIENCE,
            Duration.ofHours(24));
  }

  @AfterEach
  void stop() {
    agent.close();
    oidc.close();
  }

  private PodIdentitySourceBuilder builder() {
    return AwsCredentialSources.podIdentity()
        .endpoint(agent.fullUri())
        .authorizationTokenFile(token.path())
        .connectTimeout(Duration.ofSeconds(2))
        .readTimeout(Duration.ofSeconds(5))
        .timebase(time)
        .auditListener(audit)
        .prefetch(false);
  }

  private EmulatedRequest lastRequest() {
    var entries = agent.journal().entries();
    return entries.get(entries.size() - 1).request();
  }

  @Test
  void get_sendsTheRawTokenFromTheFile_andParsesNanosecondExpiry() {
    try (var source = builder().build()) {
      AwsSessionCredential c = source.get();
      IssuedAwsCredentials issued = agent.issued(c.id()).orElseThrow();
      assertThat(c.secretAccessKey().reveal()).isEqualTo(issued.secretAccessKey());
      assertThat(c.sessionToken().reveal()).isEqualTo(issued.sessionToken());
      assertThat(c.expiresAt()).isEqualTo(issued.expiration());
      assertThat(c.accountId()).contains("444455556666");
      assertThat(lastRequest().header("Authorization")).contains(token.currentToken());
      assertThat(lastRequest().header("Accept")).contains("application/json");

      AuditEvent e = audit.ofType(AuditEventType.ISSUED).get(0);
      assertThat(e.provider()).isEqualTo("aws-pod-identity");
      assertThat(e.principal()).isEqualTo(APP.subject());
      assertThat(e.credentialId()).contains(c.id());
    }
  }

  @Test
  void everyIssuance_rereadsTheTokenFile() {
    try (var source = builder().build()) {
      source.get();
      time.advance(Duration.ofMinutes(1));
      token.rotate();
      source.refresh().join();
      assertThat(lastRequest().header("Authorization")).contains(token.currentToken());
    }
  }

  @Test
  void agentErrors_areClassified_andScrubbed() {
    try (var source = builder().build()) {
      agent.faults().next(Fault.status(500));
      assertThatThrownBy(source::get)
          .isInstanceOfSatisfying(
              CredentialUnavailableException.class,
              e -> assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE));
      agent.faults().next(Fault.throttle(Duration.ofSeconds(7)));
      assertThatThrownBy(() -> source.refresh().join())
          .cause()
          .isInstanceOfSatisfying(
              CredentialUnavailableException.class,
              e -> {
                assertThat(e.reason()).isEqualTo(Reason.THROTTLED);
                assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));
              });
      // Within the Retry-After even refresh() gets the throttling answer without a call; after it,
      // the planned retry heals the source and a forced refresh reaches the agent again.
      assertThatThrownBy(() -> source.refresh().join())
          .cause()
          .isInstanceOfSatisfying(
              CredentialUnavailableException.class,
              e -> assertThat(e.reason()).isEqualTo(Reason.THROTTLED));
      time.advance(Duration.ofSeconds(7));
      agent.faults().next(Fault.malformedBody());
      assertThatThrownBy(() -> source.refresh().join())
          .cause()
          .isInstanceOfSatisfying(
              CredentialUnavailableException.class,
              e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED_RESPONSE));
    }
  }

  @Test
  void noAssociationForTheSub_isRejected_andAnExpiredTokenAtTheAgentIsTransient() {
    token.write(
        oidc.mint(
            ServiceAccount.of("orders", "other"),
            PodIdentityAgentEmulator.AUDIENCE,
            Duration.ofHours(1)));
    try (var source = builder().build()) {
      assertThatThrownBy(source::get)
          .isInstanceOfSatisfying(
              CredentialUnavailableException.class,
              e -> {
                assertThat(e.reason()).isEqualTo(Reason.REJECTED);
                assertThat(e.getMessage()).contains("403").contains("AccessDeniedException");
                assertThat(e.getMessage()).doesNotContain(token.currentToken());
              });
    }
    try (OidcIssuer stranger = OidcIssuer.start(time.upstreamClock())) {
      token.write(stranger.mint(APP, PodIdentityAgentEmulator.AUDIENCE, Duration.ofHours(1)));
      try (var source = builder().build()) {
        assertThatThrownBy(source::get).hasMessageContaining("InvalidTokenException");
      }
    }
  }

  @Test
  void plainHttp_isRefusedToAnyHostButLoopbackAndTheAgent_unlessExplicitlyAllowed() {
    for (String ok :
        List.of(
            "http://169.254.170.23/v1/credentials",
            "http://[fd00:ec2::23]/v1/credentials",
            "http://127.0.0.1:8080/v1/credentials",
            "http://localhost/v1/credentials",
            "https://agent.example.com/v1/credentials")) {
      assertThat(
              AwsCredentialSources.podIdentity()
                  .endpoint(java.net.URI.create(ok))
                  .authorizationTokenFile(token.path())
                  .timebase(time)
                  .buildIssuer())
          .isNotNull();
    }
    assertThatThrownBy(
            () ->
                AwsCredentialSources.podIdentity()
                    .endpoint(java.net.URI.create("http://agent.example.com/v1/credentials"))
                    .authorizationTokenFile(token.path())
                    .buildIssuer())
        .hasMessageContaining("plain http")
        .hasMessageContaining("allowPlainHttp");
    assertThat(
            AwsCredentialSources.podIdentity()
                .endpoint(java.net.URI.create("http://10.0.0.5/v1/credentials"))
                .authorizationTokenFile(token.path())
                .allowPlainHttp(true)
                .buildIssuer())
        .isNotNull();
  }

  @Test
  void podIdentityFromEnvironment_readsFullUriAndTokenFile() {
    Environment env =
        Environment.of(
            Map.of(
                "AWS_CONTAINER_CREDENTIALS_FULL_URI", agent.fullUri().toString(),
                "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", token.path().toString()));
    try (CredentialSource<AwsSessionCredential> source =
        AwsCredentialSources.podIdentityFromEnvironment(env).timebase(time).build()) {
      assertThat(agent.issued(source.get().id())).isPresent();
    }
  }

  /** The engine's contract, kept by the Pod Identity issuer. */
  @Nested
  class Contract extends CredentialSourceContract<AwsSessionCredential> {

    /**
     * The contract's version expects three failures from a malformed body, a truncated body and a
     * connection reset. Over {@code java.net.http} (and {@code HttpURLConnection}, which the SDK's
     * own container provider uses) the JDK replays an idempotent GET once when a pooled connection
     * dies before any response byte, so the reset heals inside the same attempt: two failures, and
     * the third request is answered. Everything else is asserted as in the contract.
     */
    @Override
    @Test
    public void garbledResponses_areTransientFailures_thatKeepTheHeldCredential() {
      var source = newSource();
      AwsSessionCredential held = source.get();
      fx().faults()
          .next(Fault.malformedBody())
          .next(Fault.truncatedBody())
          .next(Fault.connectionReset());
      time.advance(Duration.ofMinutes(47));
      assertThat(source.current()).isPresent();
      time.advance(Duration.ofMinutes(5));
      assertThat(audit.ofType(AuditEventType.REFRESH_FAILED))
          .hasSize(2)
          .allSatisfy(
              e -> {
                assertThat(e.error().orElseThrow().terminal()).isFalse();
                assertThat(e.error().orElseThrow().reason()).isEqualTo("MALFORMED_RESPONSE");
              });
      assertThat(source.status().state()).isEqualTo(dev.ephemera.core.SourceState.VALID);
      assertThat(source.get().id()).isNotEqualTo(held.id());
    }

    @Override
    protected ContractFixture<AwsSessionCredential> fixture(VirtualTime vt) {
      OidcIssuer o = OidcIssuer.start(vt.upstreamClock());
      PodIdentityAgentEmulator a =
          PodIdentityAgentEmulator.builder(o)
              .clock(vt.upstreamClock())
              .association(APP.subject(), ROLE)
              .credentialLifetime(Duration.ofHours(1))
              .start();
      TokenFile t =
          o.project(
              dir.resolve("contract-token"),
              APP,
              PodIdentityAgentEmulator.AUDIENCE,
              Duration.ofHours(24));
      CredentialIssuer<AwsSessionCredential> issuer =
          AwsCredentialSources.podIdentity()
              .endpoint(a.fullUri())
              .authorizationTokenFile(t.path())
              .timebase(vt)
              .buildIssuer();
      return new ContractFixture<>() {
        @Override
        public CredentialIssuer<AwsSessionCredential> issuer() {
          return issuer;
        }

        @Override
        public FaultPlan faults() {
          return a.faults();
        }

        @Override
        public int upstreamCalls() {
          return a.calls();
        }

        @Override
        public Duration lifetime() {
          return Duration.ofHours(1);
        }

        @Override
        public List<String> secretValues(AwsSessionCredential c) {
          return List.of(c.secretAccessKey().reveal(), c.sessionToken().reveal(), t.currentToken());
        }

        @Override
        public void close() {
          a.close();
          o.close();
        }
      };
    }
  }
}
