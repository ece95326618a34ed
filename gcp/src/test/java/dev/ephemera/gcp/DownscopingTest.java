package dev.ephemera.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.api.client.http.GenericUrl;
import com.google.api.client.http.HttpRequestFactory;
import com.google.api.client.http.HttpResponse;
import com.google.api.client.http.HttpResponseException;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.auth.http.HttpCredentialsAdapter;
import dev.ephemera.core.BearerToken;
import dev.ephemera.core.CredentialSource;
import dev.ephemera.core.CredentialUnavailableException;
import dev.ephemera.core.CredentialUnavailableException.Reason;
import dev.ephemera.core.audit.AuditEventType;
import dev.ephemera.core.scope.ScopedCredentials;
import dev.ephemera.testkit.RecordingAuditListener;
import dev.ephemera.testkit.emulator.Fault;
import dev.ephemera.testkit.emulator.JournalEntry;
import dev.ephemera.testkit.time.VirtualTime;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Credential Access Boundary downscoping per bucket, through STS, on virtual time. */
class DownscopingTest {
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

  private List<JournalEntry> downscopeCalls() {
    return bed.google
        .sts()
        .journal()
        .entries(
            e ->
                "urn:ietf:params:oauth:token-type:access_token"
                    .equals(e.request().form().get("subject_token_type")));
  }

  private int storageStatus(BearerToken token, String bucket, String object) throws IOException {
    HttpRequestFactory http =
        new NetHttpTransport()
            .createRequestFactory(
                new HttpCredentialsAdapter(EphemeraGoogleCredentials.of(new FixedSource(token))));
    try {
      HttpResponse r =
          http.buildGetRequest(new GenericUrl(bed.google.storage().objectUrl(bucket, object)))
              .execute();
      r.disconnect();
      return r.getStatusCode();
    } catch (HttpResponseException e) {
      return e.getStatusCode();
    }
  }

  @Test
  void aTokenPerBucket_eachFromTheSameSourceToken_withTheBoundaryTheEmulatorEchoes()
      throws IOException {
    GoogleWorkloadIdentity gcp = bed.metadata().auditListener(audit).build();
    try (CredentialSource<BearerToken> base = gcp.accessTokens();
        ScopedCredentials<AccessBoundary, BearerToken> perBucket = gcp.downscoped(base)) {
      AccessBoundary reports = AccessBoundary.readOnlyBucket("reports");
      AccessBoundary invoices = AccessBoundary.readOnlyBucket("invoices");

      BearerToken forReports = perBucket.get(reports);
      BearerToken forInvoices = perBucket.get(invoices);
      BearerToken source = base.get();

      assertThat(forReports.id()).isNotEqualTo(forInvoices.id()).isNotEqualTo(source.id());
      assertThat(bed.google.sts().accessBoundaryOf(forReports.token().reveal()))
          .hasValueSatisfying(
              b ->
                  assertThat(b)
                      .contains("//storage.googleapis.com/projects/_/buckets/reports")
                      .contains("inRole:roles/storage.objectViewer")
                      .doesNotContain("invoices"));
      assertThat(bed.google.sts().accessBoundaryOf(forInvoices.token().reveal()))
          .hasValueSatisfying(b -> assertThat(b).contains("/buckets/invoices"));

      assertThat(downscopeCalls())
          .hasSize(2)
          .allSatisfy(
              e -> {
                assertThat(e.request().form())
                    .containsEntry("subject_token", source.token().reveal());
                assertThat(e.request().form()).doesNotContainKeys("audience", "scope");
              });
      assertThat(downscopeCalls().get(0).request().form().get("options"))
          .isEqualTo(reports.toOptionsJson());
      assertThat(bed.google.metadata().journal().count(e -> e.request().path().endsWith("/token")))
          .as("one source token for every boundary")
          .isEqualTo(1);

      // Google enforces the boundary: each token opens its own bucket only.
      assertThat(storageStatus(forReports, "reports", "q3.csv")).isEqualTo(200);
      assertThat(storageStatus(forReports, "invoices", "q3.csv")).isEqualTo(403);
      assertThat(storageStatus(forInvoices, "invoices", "q3.csv")).isEqualTo(200);

      // STS omitted expires_in: a downscoped token expires with its source token.
      assertThat(forReports.expiresAt()).isEqualTo(source.expiresAt());
      assertThat(
              audit.matching(
                  e -> e.type() == AuditEventType.ISSUED && "gcp-downscoped".equals(e.provider())))
          .hasSize(2)
          .allSatisfy(
              e -> {
                assertThat(e.principal()).isEqualTo(bed.google.metadata().serviceAccount());
                assertThat(e.scope()).startsWith("boundary sha256:");
              });
      assertThat(perBucket.scopes()).containsExactlyInAnyOrder(reports, invoices);
    }
  }

  @Test
  void anObjectPrefixCondition_isSentAndEnforced() throws IOException {
    GoogleWorkloadIdentity gcp = bed.metadata().build();
    try (CredentialSource<BearerToken> base = gcp.accessTokens();
        ScopedCredentials<AccessBoundary, BearerToken> scoped = gcp.downscoped(base)) {
      BearerToken customerA = scoped.get(AccessBoundary.readOnlyPrefix("uploads", "customer-a/"));
      assertThat(bed.google.sts().accessBoundaryOf(customerA.token().reveal()))
          .hasValueSatisfying(
              b ->
                  assertThat(b)
                      .contains("availabilityCondition")
                      .contains(
                          "resource.name.startsWith('projects/_/buckets/uploads/objects/customer-a/')"));
      assertThat(storageStatus(customerA, "uploads", "customer-a/1.pdf")).isEqualTo(200);
      assertThat(storageStatus(customerA, "uploads", "customer-b/1.pdf")).isEqualTo(403);
    }
  }

  @Test
  void eachBoundary_refreshesOnItsOwnSchedule_andNeverOutlivesItsSource() {
    GoogleWorkloadIdentity gcp = bed.metadata().build();
    try (CredentialSource<BearerToken> base = gcp.accessTokens();
        ScopedCredentials<AccessBoundary, BearerToken> scoped = gcp.downscoped(base)) {
      AccessBoundary reports = AccessBoundary.readOnlyBucket("reports");
      BearerToken first = scoped.get(reports);
      for (int i = 0; i < 8; i++) {
        time.advance(Duration.ofMinutes(15));
        BearerToken now = scoped.get(reports);
        assertThat(now.expiresAt()).isBeforeOrEqualTo(base.get().expiresAt().plusSeconds(1));
        assertThat(now.expiresAt()).isAfter(time.now());
      }
      assertThat(scoped.get(reports).id()).isNotEqualTo(first.id());
      assertThat(downscopeCalls().size()).isGreaterThan(2);
    }
  }

  @Test
  void federatedSources_canBeDownscopedToo_andAnExpiresInIsHonoured() {
    try (var sts =
        dev.ephemera.testkit.gcp.GoogleStsEmulator.builder(time.upstreamClock(), bed.oidc)
            .registry(bed.google.registry())
            .downscopedExpiresIn(true)
            .tokenLifetime(Duration.ofMinutes(50))
            .start()) {
      GoogleWorkloadIdentity gcp =
          bed.federation(bed.federationConfig().tokenUrl(sts.tokenUrl()).build()).build();
      try (CredentialSource<BearerToken> base = gcp.accessTokens();
          ScopedCredentials<AccessBoundary, BearerToken> scoped = gcp.downscoped(base)) {
        time.advance(Duration.ofMinutes(5));
        BearerToken token = scoped.get(AccessBoundary.readOnlyBucket("reports"));
        assertThat(token.expiresAt()).isEqualTo(base.get().expiresAt());
        assertThat(sts.accessBoundaryOf(token.token().reveal())).isPresent();
      }
    }
  }

  @Test
  void stsRefusingTheBoundary_isAConfigurationError_andRetryableFailuresAreNot() {
    GoogleWorkloadIdentity gcp = bed.metadata().build();
    try (CredentialSource<BearerToken> base = gcp.accessTokens()) {
      var tooBroad =
          gcp.downscopedIssuer(
              base,
              AccessBoundary.of(
                  AccessBoundary.Rule.of(
                      "//storage.googleapis.com/projects/_/buckets/reports",
                      "inRole:roles/storage.objectViewer")));
      bed.google.sts().faults().next(Fault.status(400));
      assertThatThrownBy(tooBroad::issue)
          .isInstanceOfSatisfying(
              CredentialUnavailableException.class,
              e -> assertThat(e.reason()).isEqualTo(Reason.CONFIGURATION));
      bed.google.sts().faults().next(Fault.status(503));
      assertThatThrownBy(tooBroad::issue)
          .isInstanceOfSatisfying(
              CredentialUnavailableException.class, e -> assertThat(e.isTerminal()).isFalse());
      assertThat(tooBroad.issue().scope()).startsWith("boundary sha256:");
    }
  }
}
