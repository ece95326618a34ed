package dev.ephemera.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ephemera.core.CredentialSource;
import dev.ephemera.testkit.aws.PodIdentityAgentEmulator;
import dev.ephemera.testkit.oidc.OidcIssuer;
import dev.ephemera.testkit.oidc.ServiceAccount;
import dev.ephemera.testkit.oidc.TokenFile;
import dev.ephemera.testkit.time.VirtualTime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The builders' {@code random(...)} is the jitter source: two runs seeded alike, on virtual times
 * whose own seeds differ, plan their refreshes at the same instant. Nothing here depends on where
 * in the jitter band that instant falls.
 */
class SeededJitterTest {
  @TempDir
  @SuppressWarnings("NullAway.Init")
  Path dir;

  @Test
  void irsa_sameSeed_sameRefreshPlan() throws IOException {
    assertThat(irsaRefreshPlan(VirtualTime.create(1), "a"))
        .isEqualTo(irsaRefreshPlan(VirtualTime.create(2), "b"));
  }

  @Test
  void podIdentity_sameSeed_sameRefreshPlan() {
    assertThat(podIdentityRefreshPlan(VirtualTime.create(1), "a"))
        .isEqualTo(podIdentityRefreshPlan(VirtualTime.create(2), "b"));
  }

  private Instant irsaRefreshPlan(VirtualTime time, String run) throws IOException {
    try (IrsaWorld world = new IrsaWorld(time, Files.createDirectories(dir.resolve(run)));
        CredentialSource<AwsSessionCredential> source =
            world.irsa().random(new SplittableRandom(42)).build()) {
      source.get();
      return Objects.requireNonNull(source.status().nextRefreshAt());
    }
  }

  private Instant podIdentityRefreshPlan(VirtualTime time, String run) {
    ServiceAccount app = ServiceAccount.of("shop", "app");
    try (OidcIssuer oidc = OidcIssuer.start(time.upstreamClock());
        PodIdentityAgentEmulator agent =
            PodIdentityAgentEmulator.builder(oidc)
                .clock(time.upstreamClock())
                .association(app.subject(), "arn:aws:iam::111122223333:role/shop-app")
                .start()) {
      TokenFile token =
          oidc.project(
              dir.resolve(run + "-token"),
              app,
              PodIdentityAgentEmulator.AUDIENCE,
              Duration.ofHours(24));
      try (CredentialSource<AwsSessionCredential> source =
          AwsCredentialSources.podIdentity()
              .endpoint(agent.fullUri())
              .authorizationTokenFile(token.path())
              .timebase(time)
              .random(new SplittableRandom(42))
              .build()) {
        source.get();
        return Objects.requireNonNull(source.status().nextRefreshAt());
      }
    }
  }
}
