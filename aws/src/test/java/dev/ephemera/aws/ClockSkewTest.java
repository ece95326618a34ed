package dev.ephemera.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ephemera.core.spi.IssueResult;
import dev.ephemera.testkit.aws.PodIdentityAgentEmulator;
import dev.ephemera.testkit.contract.ThreeLifetimes;
import dev.ephemera.testkit.oidc.OidcIssuer;
import dev.ephemera.testkit.oidc.ServiceAccount;
import dev.ephemera.testkit.oidc.TokenFile;
import dev.ephemera.testkit.time.VirtualTime;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A local wall clock that jumps two hours ahead of STS's and the agent's (an NTP step, a VM resume)
 * must not stop IRSA or Pod Identity: STS and the agent stamp absolute expiries on their own clock,
 * the issuers pass on the HTTP {@code Date}, and the credential is served for its server-relative
 * lifetime on the ticker. Through the SDK's STS client and the JDK's HTTP client, over HTTP.
 */
class ClockSkewTest {
  private static final Duration LIFETIME = Duration.ofHours(1);
  private static final Duration AHEAD = Duration.ofHours(2);

  @TempDir
  @SuppressWarnings("NullAway.Init")
  Path dir;

  private final VirtualTime time = VirtualTime.create();

  @Test
  void irsa_localClockTwoHoursAhead_beforeTheFirstIssuance_issuesServesAndRefreshes() {
    try (IrsaWorld world = new IrsaWorld(time, dir)) {
      time.jumpWallClock(AHEAD);
      try (var source = world.irsa().sessionDuration(LIFETIME).build()) {
        ThreeLifetimes.run(time, source, LIFETIME).assertHealthy(world.sts.issued().size());
      }
    }
  }

  @Test
  void irsa_localClockJumpsTwoHoursAhead_afterTheFirstIssuance_keepsServingAndRefreshing() {
    try (IrsaWorld world = new IrsaWorld(time, dir)) {
      try (var source = world.irsa().sessionDuration(LIFETIME).build()) {
        source.get();
        time.jumpWallClock(AHEAD);
        ThreeLifetimes.run(time, source, LIFETIME).assertHealthy(world.sts.issued().size());
      }
    }
  }

  @Test
  void podIdentity_localClockTwoHoursAhead_beforeTheFirstIssuance_issuesServesAndRefreshes() {
    try (PodIdentityWorld world = new PodIdentityWorld()) {
      time.jumpWallClock(AHEAD);
      try (var source = world.builder().build()) {
        ThreeLifetimes.run(time, source, LIFETIME).assertHealthy(world.agent.issued().size());
      }
    }
  }

  @Test
  void podIdentity_localClockJumpsTwoHoursAhead_afterTheFirstIssuance_keepsServingAndRefreshing() {
    try (PodIdentityWorld world = new PodIdentityWorld()) {
      try (var source = world.builder().build()) {
        source.get();
        time.jumpWallClock(AHEAD);
        ThreeLifetimes.run(time, source, LIFETIME).assertHealthy(world.agent.issued().size());
      }
    }
  }

  @Test
  void irsa_issueResult_carriesStsDate_andDatesTheCredentialByIt_whateverTheLocalClockSays() {
    try (IrsaWorld world = new IrsaWorld(time, dir)) {
      time.jumpWallClock(AHEAD);
      IssueResult<AwsSessionCredential> result =
          world.irsa().sessionDuration(LIFETIME).buildIssuer().issueResult();
      assertServerRelative(result);
    }
  }

  @Test
  void podIdentity_issueResult_carriesTheAgentsDate_andDatesTheCredentialByIt() {
    try (PodIdentityWorld world = new PodIdentityWorld()) {
      time.jumpWallClock(AHEAD);
      assertServerRelative(world.builder().buildIssuer().issueResult());
    }
  }

  private void assertServerRelative(IssueResult<AwsSessionCredential> result) {
    Instant upstreamNow = time.upstreamClock().instant().truncatedTo(ChronoUnit.SECONDS);
    assertThat(result.upstreamTime()).contains(upstreamNow);
    assertThat(result.credential().issuedAt()).isEqualTo(upstreamNow);
    assertThat(Duration.between(result.credential().issuedAt(), result.credential().expiresAt()))
        .as("the lifetime STS or the agent granted, on its own clock")
        .isEqualTo(LIFETIME);
    assertThat(result.credential().expiresAt()).isBefore(time.clock().instant());
  }

  /** The agent and the OIDC issuer on the upstream clock; the source on the local one. */
  private final class PodIdentityWorld implements AutoCloseable {
    final OidcIssuer oidc = OidcIssuer.start(time.upstreamClock());
    final PodIdentityAgentEmulator agent =
        PodIdentityAgentEmulator.builder(oidc)
            .clock(time.upstreamClock())
            .association(
                ServiceAccount.of("shop", "app").subject(),
                "arn:aws:iam::111122223333:role/shop-app")
            .credentialLifetime(LIFETIME)
            .start();
    final TokenFile token =
        oidc.project(
            dir.resolve("eks-pod-identity-token"),
            ServiceAccount.of("shop", "app"),
            PodIdentityAgentEmulator.AUDIENCE,
            Duration.ofHours(24));

    PodIdentitySourceBuilder builder() {
      return AwsCredentialSources.podIdentity()
          .endpoint(agent.fullUri())
          .authorizationTokenFile(token.path())
          .timebase(time);
    }

    @Override
    public void close() {
      agent.close();
      oidc.close();
    }
  }
}
