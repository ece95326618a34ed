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
import dev.ephemera.testkit.emulator.Fault;
import dev.ephemera.testkit.emulator.JournalEntry;
import dev.ephemera.testkit.time.VirtualTime;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The GKE metadata server through ComputeEngineCredentials, over real HTTP, on virtual time. */
class MetadataServerTest {
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

  private List<JournalEntry> tokenCalls() {
    return bed.google.metadata().journal().entries(e -> e.request().path().endsWith("/token"));
  }

  @Test
  void cachedToken_handedBackAgain_isARenewalScheduledFromTheLifetimeLeft() {
    try (CredentialSource<BearerToken> source =
        bed.metadata().auditListener(audit).build().accessTokens()) {
      BearerToken first = source.get();
      assertThat(first.expiresAt()).isEqualTo(time.now().plusSeconds(3599));

      // The first refresh falls in 2/3 ± 10% of 3599 s; the server still hands back its token.
      time.advance(GcpTestbed.pastTheRefreshBand(Duration.ofSeconds(3599)));
      assertThat(tokenCalls()).hasSize(2);
      BearerToken second = source.current().orElseThrow();
      assertThat(second.id()).isEqualTo(first.id());
      assertThat(second.expiresAt())
          .as("the same token, dated from receipt with the whole seconds of expires_in left")
          .isBetween(first.expiresAt().minusSeconds(1), first.expiresAt());
      assertThat(audit.ofType(AuditEventType.RENEWED))
          .singleElement()
          .satisfies(e -> assertThat(e.credentialId()).contains(first.id()));
      assertThat(audit.count(AuditEventType.ISSUED)).isEqualTo(1);
      assertThat(audit.count(AuditEventType.ANOMALY)).isZero();

      // The next refresh is scheduled from what was left (< 1200 s), not from a fresh hour.
      java.time.Instant nextAt = source.status().nextRefreshAt();
      assertThat(nextAt).isNotNull();
      Duration next = Duration.between(time.now(), nextAt);
      assertThat(next).isLessThan(Duration.ofMinutes(20));

      // Eventually the server mints a new token: a rotation, audited as ISSUED.
      time.advance(Duration.ofMinutes(20));
      BearerToken rotated = source.get();
      assertThat(rotated.id()).isNotEqualTo(first.id());
      assertThat(bed.google.metadata().tokensMinted()).isEqualTo(2);
      assertThat(audit.count(AuditEventType.ISSUED)).isEqualTo(2);
      assertThat(source.status().state().isServing()).isTrue();
    }
  }

  @Test
  void audit_namesTheServiceAccountEmail_scopesAndFingerprint() {
    try (CredentialSource<BearerToken> source =
        bed.metadata()
            .scopes("https://www.googleapis.com/auth/devstorage.read_only")
            .auditListener(audit)
            .build()
            .accessTokens()) {
      BearerToken token = source.get();
      AuditEvent issued = audit.ofType(AuditEventType.ISSUED).get(0);
      String email = bed.google.metadata().serviceAccount();
      assertThat(issued.provider()).isEqualTo("gcp-metadata");
      assertThat(issued.principal()).isEqualTo(email);
      assertThat(issued.target()).isEqualTo(email);
      assertThat(issued.scope()).isEqualTo("https://www.googleapis.com/auth/devstorage.read_only");
      assertThat(issued.credentialId()).contains(token.id());
      assertThat(token.id()).startsWith("sha256:");
      assertThat(tokenCalls().get(0).request().queryParam("scopes"))
          .contains("https://www.googleapis.com/auth/devstorage.read_only");
      assertThat(bed.google.registry().lookup(token.token().reveal()).orElseThrow().scopes())
          .containsExactly("https://www.googleapis.com/auth/devstorage.read_only");
    }
  }

  @Test
  void everyRequest_carriesMetadataFlavorGoogle() {
    bed.metadata().build().accessTokenIssuer().issue();
    assertThat(bed.google.metadata().journal().entries())
        .isNotEmpty()
        .allSatisfy(e -> assertThat(e.request().header("Metadata-Flavor")).contains("Google"));
  }

  @Test
  void idTokens_forAnAudience_areTheirOwnSource() {
    try (CredentialSource<BearerToken> source =
        bed.metadata().build().idTokens("https://api.example.run.app")) {
      BearerToken id = source.get();
      assertThat(id.scope()).isEqualTo("https://api.example.run.app");
      assertThat(id.token().reveal()).startsWith("eyJ").contains(".");
      assertThat(id.expiresAt()).isEqualTo(time.now().plus(Duration.ofHours(1)));
      assertThat(
              bed.google
                  .metadata()
                  .journal()
                  .entries(e -> e.request().path().endsWith("/identity")))
          .singleElement()
          .satisfies(
              e ->
                  assertThat(e.request().queryParam("audience"))
                      .contains("https://api.example.run.app"));
    }
  }

  @Test
  void unknownServiceAccount404_isAConfigurationError() {
    bed.google.metadata().faults().next(Fault.status(404));
    assertThatThrownBy(() -> bed.metadata().build().accessTokenIssuer().issue())
        .isInstanceOfSatisfying(
            CredentialUnavailableException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.CONFIGURATION);
              assertThat(e.isTerminal()).isTrue();
              assertThat(e.getMessage()).contains("HTTP 404").contains("not be bound");
            });
  }

  @Test
  void forbidden403_isRejected_withTheServersTextInTheMessage() {
    bed.google.metadata().faults().next(Fault.status(403));
    assertThatThrownBy(() -> bed.metadata().build().accessTokenIssuer().issue())
        .isInstanceOfSatisfying(
            CredentialUnavailableException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.REJECTED);
              assertThat(e.getMessage())
                  .contains("HTTP 403")
                  .contains("iam.serviceAccounts.getAccessToken");
            });
  }

  @Test
  void unreachableServer_isTransientlyUnavailable() {
    String host = bed.google.metadata().hostAndPort();
    bed.google.metadata().close();
    CredentialIssuer<BearerToken> issuer =
        bed.metadata().metadataServer(host).build().accessTokenIssuer();
    assertThatThrownBy(issuer::issue)
        .isInstanceOfSatisfying(
            CredentialUnavailableException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE);
              assertThat(e.getMessage()).contains("cannot reach the metadata server");
            });
  }

  @Test
  void slowServer_beyondTheReadTimeout_isATimeout() {
    bed.google.metadata().faults().next(Fault.latency(Duration.ofMillis(1500)));
    CredentialIssuer<BearerToken> issuer =
        bed.metadata().readTimeout(Duration.ofMillis(200)).build().accessTokenIssuer();
    assertThatThrownBy(issuer::issue)
        .isInstanceOfSatisfying(
            CredentialUnavailableException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.TIMEOUT));
  }

  @Test
  void throttled429_keepsTheRetryAfterHint() {
    bed.google.metadata().faults().next(Fault.throttle(Duration.ofSeconds(7)));
    assertThatThrownBy(() -> bed.metadata().build().accessTokenIssuer().issue())
        .isInstanceOfSatisfying(
            CredentialUnavailableException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.THROTTLED);
              assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));
            });
  }

  @Test
  void garbage200_isAMalformedResponse() {
    bed.google.metadata().faults().next(Fault.malformedBody());
    assertThatThrownBy(() -> bed.metadata().build().accessTokenIssuer().issue())
        .isInstanceOfSatisfying(
            CredentialUnavailableException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED_RESPONSE));
  }

  @Test
  void anEndpointThatIsNotAMetadataServer_isRefused() {
    // The Storage emulator is plain HTTP on loopback but never sends Metadata-Flavor: Google.
    String notMetadata = bed.google.storage().baseUrl().substring("http://".length());
    CredentialIssuer<BearerToken> issuer =
        bed.metadata().metadataServer(notMetadata).build().accessTokenIssuer();
    assertThatThrownBy(issuer::issue).isInstanceOf(CredentialUnavailableException.class);
  }
}
