package dev.ephemera.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ephemera.core.BearerToken;
import dev.ephemera.core.CredentialSource;
import dev.ephemera.core.spi.IssueResult;
import dev.ephemera.testkit.contract.ThreeLifetimes;
import dev.ephemera.testkit.time.VirtualTime;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A local wall clock that jumps two hours ahead of Google's (an NTP step, a VM resume) must not
 * stop any GCP source. The metadata server and STS give lifetimes as durations ({@code
 * expires_in}), which are skew-proof as they are; IAM Credentials stamps an absolute {@code
 * expireTime}, which the issuer dates by IAM's HTTP {@code Date}. Through Google Auth Library over
 * HTTP against the emulators, on virtual time.
 */
class ClockSkewTest {
  private static final Duration AHEAD = Duration.ofHours(2);
  private static final Duration GOOGLE_LIFETIME = Duration.ofSeconds(3599);
  private static final Duration IMPERSONATED = Duration.ofHours(1);

  private final VirtualTime time = VirtualTime.create();
  private final GcpTestbed bed = GcpTestbed.start(time);

  @AfterEach
  void stop() {
    bed.close();
  }

  // ---------------------------------------------------------------- impersonation (absolute)

  @Test
  void impersonation_localClockTwoHoursAhead_beforeTheFirstIssuance_issuesServesAndRefreshes() {
    time.jumpWallClock(AHEAD);
    try (CredentialSource<BearerToken> source = impersonated()) {
      ThreeLifetimes.run(time, source, IMPERSONATED)
          .assertHealthy(bed.google.iam().journal().size());
    }
  }

  @Test
  void impersonation_localClockJumpsTwoHoursAhead_afterTheFirstIssuance_keepsServing() {
    try (CredentialSource<BearerToken> source = impersonated()) {
      source.get();
      time.jumpWallClock(AHEAD);
      ThreeLifetimes.run(time, source, IMPERSONATED)
          .assertHealthy(bed.google.iam().journal().size());
    }
  }

  @Test
  void impersonation_issueResult_carriesIamsDate_andDatesTheTokenByIt() {
    time.jumpWallClock(AHEAD);
    IssueResult<BearerToken> result =
        bed.federation(bed.impersonationConfig(IMPERSONATED))
            .build()
            .accessTokenIssuer()
            .issueResult();

    Instant googleNow = time.upstreamClock().instant().truncatedTo(ChronoUnit.SECONDS);
    assertThat(result.upstreamTime()).contains(googleNow);
    assertThat(result.credential().issuedAt()).isEqualTo(googleNow);
    assertThat(Duration.between(result.credential().issuedAt(), result.credential().expiresAt()))
        .as("the lifetime IAM granted, on its own clock")
        .isEqualTo(IMPERSONATED);
  }

  @Test
  void impersonatedIdTokens_issueResult_carriesIamsDate() {
    time.jumpWallClock(AHEAD);
    IssueResult<BearerToken> result =
        bed.federation(bed.impersonationConfig(IMPERSONATED))
            .build()
            .idTokenIssuer("https://svc.example.com")
            .issueResult();

    Instant googleNow = time.upstreamClock().instant().truncatedTo(ChronoUnit.SECONDS);
    assertThat(result.upstreamTime()).contains(googleNow);
    assertThat(result.credential().issuedAt()).isEqualTo(googleNow);
    assertThat(result.credential().expiresAt()).isAfter(googleNow);
  }

  @Test
  void downscopingAnImpersonatedToken_withTheLocalClockAhead_isBoundedOnGooglesClock() {
    GoogleWorkloadIdentity gcp = bed.federation(bed.impersonationConfig(IMPERSONATED)).build();
    time.jumpWallClock(AHEAD);
    BearerToken base = gcp.accessTokenIssuer().issue();
    time.advance(Duration.ofMinutes(10));

    IssueResult<BearerToken> result =
        gcp.downscopedIssuer(new FixedSource(base), AccessBoundary.readOnlyBucket("reports"))
            .issueResult();

    Instant googleNow = time.upstreamClock().instant().truncatedTo(ChronoUnit.SECONDS);
    assertThat(result.upstreamTime()).contains(googleNow);
    assertThat(result.credential().issuedAt()).isEqualTo(googleNow);
    assertThat(result.credential().expiresAt())
        .as("STS sent no expires_in: it expires with its source")
        .isEqualTo(base.expiresAt());
    assertThat(Duration.between(result.credential().issuedAt(), result.credential().expiresAt()))
        .as("what is left of the source on Google's clock, not cut short by the local one")
        .isEqualTo(IMPERSONATED.minusMinutes(10));
  }

  @Test
  void downscopingAMetadataToken_isStillBoundedOnTheLocalClock_thatDatedItsSource() {
    GoogleWorkloadIdentity gcp = bed.metadata().build();
    time.jumpWallClock(AHEAD);
    BearerToken base = gcp.accessTokenIssuer().issue();

    IssueResult<BearerToken> result =
        gcp.downscopedIssuer(new FixedSource(base), AccessBoundary.readOnlyBucket("reports"))
            .issueResult();

    assertThat(result.upstreamTime()).isEmpty();
    assertThat(result.credential().issuedAt()).isEqualTo(time.now());
    assertThat(result.credential().expiresAt()).isEqualTo(base.expiresAt());
  }

  // ---------------------------------------------------------------- STS (a duration)

  @Test
  void federation_localClockTwoHoursAhead_beforeTheFirstIssuance_issuesServesAndRefreshes() {
    time.jumpWallClock(AHEAD);
    try (CredentialSource<BearerToken> source = federated()) {
      ThreeLifetimes.run(time, source, GOOGLE_LIFETIME)
          .assertHealthy(bed.google.sts().journal().size());
    }
  }

  @Test
  void federation_localClockJumpsTwoHoursAhead_afterTheFirstIssuance_keepsServing() {
    try (CredentialSource<BearerToken> source = federated()) {
      source.get();
      time.jumpWallClock(AHEAD);
      ThreeLifetimes.run(time, source, GOOGLE_LIFETIME)
          .assertHealthy(bed.google.sts().journal().size());
    }
  }

  // ---------------------------------------------------------------- metadata server (a duration)

  @Test
  void metadata_localClockTwoHoursAhead_beforeTheFirstIssuance_issuesServesAndRefreshes() {
    time.jumpWallClock(AHEAD);
    try (CredentialSource<BearerToken> source = bed.metadata().build().accessTokens()) {
      assertMetadataHealthy(ThreeLifetimes.run(time, source, GOOGLE_LIFETIME));
    }
  }

  @Test
  void metadata_localClockJumpsTwoHoursAhead_afterTheFirstIssuance_keepsServing() {
    try (CredentialSource<BearerToken> source = bed.metadata().build().accessTokens()) {
      source.get();
      time.jumpWallClock(AHEAD);
      assertMetadataHealthy(ThreeLifetimes.run(time, source, GOOGLE_LIFETIME));
    }
  }

  /**
   * The server hands back its cached token until five minutes are left, so over three hours it
   * mints three or four tokens; each one minted was served, and none was missed.
   */
  private void assertMetadataHealthy(ThreeLifetimes seen) {
    assertThat(seen.failures()).as("failed get() calls").isEmpty();
    assertThat(bed.google.metadata().tokensMinted()).isBetween(3, 4);
    assertThat(seen.served()).hasSize(bed.google.metadata().tokensMinted());
  }

  private CredentialSource<BearerToken> impersonated() {
    return bed.federation(bed.impersonationConfig(IMPERSONATED)).build().accessTokens();
  }

  private CredentialSource<BearerToken> federated() {
    return bed.federation(bed.federationConfig().build()).build().accessTokens();
  }
}
