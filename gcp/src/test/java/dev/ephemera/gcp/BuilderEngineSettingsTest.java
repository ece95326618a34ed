package dev.ephemera.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ephemera.core.BearerToken;
import dev.ephemera.core.CredentialSource;
import dev.ephemera.core.audit.AuditEventType;
import dev.ephemera.core.refresh.RefreshPolicy;
import dev.ephemera.core.scope.ScopedCredentials;
import dev.ephemera.testkit.RecordingAuditListener;
import dev.ephemera.testkit.time.VirtualTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The engine setters the builder shares with every backend, applied to every source it builds. */
class BuilderEngineSettingsTest {
  private final VirtualTime time = VirtualTime.create();
  private final GcpTestbed bed = GcpTestbed.start(time);

  @AfterEach
  void stop() {
    bed.close();
  }

  @Test
  void eachKindOfSource_hasItsOwnDefaultName() {
    GoogleWorkloadIdentity gcp = bed.metadata().prefetch(false).build();
    AccessBoundary boundary = AccessBoundary.readOnlyBucket("reports");
    try (CredentialSource<BearerToken> access = gcp.accessTokens();
        CredentialSource<BearerToken> id = gcp.idTokens("https://api.example.run.app");
        ScopedCredentials<AccessBoundary, BearerToken> scoped = gcp.downscoped(access)) {
      assertThat(access.name()).isEqualTo("gcp-access-token");
      assertThat(id.name()).isEqualTo("gcp-id-token:https://api.example.run.app");
      assertThat(scoped.source(boundary).name()).isEqualTo("gcp-downscoped:" + boundary.digest());
    }
  }

  @Test
  void aName_namesTheAccessTokens_andPrefixesTheOthers() {
    GoogleWorkloadIdentity gcp = bed.metadata().name("payments").prefetch(false).build();
    AccessBoundary boundary = AccessBoundary.readOnlyBucket("reports");
    try (CredentialSource<BearerToken> access = gcp.accessTokens();
        CredentialSource<BearerToken> id = gcp.idTokens("https://api.example.run.app");
        ScopedCredentials<AccessBoundary, BearerToken> scoped = gcp.downscoped(access)) {
      assertThat(access.name()).isEqualTo("payments");
      assertThat(id.name()).isEqualTo("payments-id-token:https://api.example.run.app");
      assertThat(scoped.source(boundary).name())
          .isEqualTo("payments-downscoped:" + boundary.digest());
    }
  }

  @Test
  void prefetchFalse_issuesNothingUntilAsked() {
    try (CredentialSource<BearerToken> source =
        bed.metadata().prefetch(false).build().accessTokens()) {
      assertThat(bed.google.metadata().tokensMinted()).isZero();
      source.get();
      assertThat(bed.google.metadata().tokensMinted()).isEqualTo(1);
    }
  }

  @Test
  void refreshPolicy_andAuditListeners_reachEverySource() {
    RecordingAuditListener first = new RecordingAuditListener();
    RecordingAuditListener second = new RecordingAuditListener();
    RefreshPolicy noJitter = RefreshPolicy.builder().jitterFraction(0).build();
    try (CredentialSource<BearerToken> source =
        bed.metadata()
            .refreshPolicy(noJitter)
            .auditListeners(List.of(first, second))
            .build()
            .accessTokens()) {
      BearerToken token = source.get();
      Instant nextAt = source.status().nextRefreshAt();
      assertThat(nextAt).isNotNull();
      Duration lifetime = Duration.between(token.issuedAt(), token.expiresAt());
      assertThat(Duration.between(time.now(), nextAt))
          .as("2/3 of the lifetime with no jitter")
          .isCloseTo(lifetime.multipliedBy(2).dividedBy(3), Duration.ofSeconds(1));
      assertThat(first.count(AuditEventType.ISSUED)).isEqualTo(1);
      assertThat(second.count(AuditEventType.ISSUED)).isEqualTo(1);
    }
  }

  private Instant nextRefreshWith(RandomGenerator random) {
    try (CredentialSource<BearerToken> source =
        bed.metadata().random(random).build().accessTokens()) {
      source.get();
      return Objects.requireNonNull(source.status().nextRefreshAt());
    }
  }

  @Test
  void random_drivesTheJitter_andTheSameSeedReplaysIt() {
    assertThat(nextRefreshWith(new SplittableRandom(42)))
        .isEqualTo(nextRefreshWith(new SplittableRandom(42)));
    RandomGenerator lowest = () -> 0L; // nextDouble() == 0: the near edge of the band
    RandomGenerator highest = () -> -1L; // nextDouble() just under 1: the far edge
    assertThat(nextRefreshWith(lowest)).isBefore(nextRefreshWith(highest));
  }
}
