package dev.ephemera.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ephemera.core.CredentialUnavailableException;
import dev.ephemera.core.CredentialUnavailableException.Reason;
import dev.ephemera.core.spi.CredentialIssuer;
import dev.ephemera.core.spi.http.RetryAfter;
import dev.ephemera.testkit.aws.PodIdentityAgentEmulator;
import dev.ephemera.testkit.emulator.Fault;
import dev.ephemera.testkit.oidc.OidcIssuer;
import dev.ephemera.testkit.oidc.ServiceAccount;
import dev.ephemera.testkit.oidc.TokenFile;
import dev.ephemera.testkit.time.VirtualTime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * A hostile Retry-After reaches the engine the same way from every backend: read by core's one
 * parser, capped at {@link RetryAfter#CAP}, and dropped when it is negative or garbage. Through the
 * SDK's STS client and the JDK's HTTP client against the emulators, over HTTP.
 */
class RetryAfterHintTest {
  @TempDir
  @SuppressWarnings("NullAway.Init")
  Path dir;

  private final VirtualTime time = VirtualTime.create();

  static Stream<Arguments> hints() {
    return Stream.of(
        Arguments.of("99999999999", RetryAfter.CAP),
        Arguments.of("Fri, 31 Dec 9999 23:59:59 GMT", RetryAfter.CAP),
        Arguments.of("-1", null),
        Arguments.of("garbage", null));
  }

  @ParameterizedTest(name = "Retry-After: {0}")
  @MethodSource("hints")
  void irsa_throttledWithAHostileRetryAfter_isThrottled_withTheHintCappedOrDropped(
      String header, @Nullable Duration expected) {
    try (IrsaWorld world = new IrsaWorld(time, dir)) {
      CredentialIssuer<AwsSessionCredential> issuer = world.irsa().buildIssuer();
      world.sts.faults().next(Fault.throttle(header));

      assertThrottled(issuer, expected);
    }
  }

  @ParameterizedTest(name = "Retry-After: {0}")
  @MethodSource("hints")
  void podIdentity_throttledWithAHostileRetryAfter_isThrottled_withTheHintCappedOrDropped(
      String header, @Nullable Duration expected) {
    ServiceAccount app = ServiceAccount.of("shop", "app");
    try (OidcIssuer oidc = OidcIssuer.start(time.upstreamClock());
        PodIdentityAgentEmulator agent =
            PodIdentityAgentEmulator.builder(oidc)
                .clock(time.upstreamClock())
                .association(app.subject(), "arn:aws:iam::111122223333:role/shop-app")
                .start()) {
      TokenFile token =
          oidc.project(
              dir.resolve("pod-token"),
              app,
              PodIdentityAgentEmulator.AUDIENCE,
              Duration.ofHours(1));
      CredentialIssuer<AwsSessionCredential> issuer =
          AwsCredentialSources.podIdentity()
              .endpoint(agent.fullUri())
              .authorizationTokenFile(token.path())
              .timebase(time)
              .buildIssuer();
      agent.faults().next(Fault.throttle(header));

      assertThrottled(issuer, expected);
    }
  }

  @Test
  void irsa_withTheUsersOwnStsClient_aNegativeRetryAfterThatCrashesTheSdk_isATransientFailure() {
    // The SDK's retry stage throws IllegalArgumentException on "Retry-After: -1", retries or not.
    // Our own client drops the hint first; a client the user built still gets a typed failure.
    try (IrsaWorld world = new IrsaWorld(time, dir);
        StsClient own =
            StsClient.builder()
                .region(Region.US_WEST_2)
                .endpointOverride(world.sts.endpoint())
                .credentialsProvider(AnonymousCredentialsProvider.create())
                .httpClient(world.client.http())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build()) {
      CredentialIssuer<AwsSessionCredential> issuer = world.irsa().stsClient(own).buildIssuer();
      world.sts.faults().next(Fault.throttle("-1"));

      assertThatThrownBy(issuer::issue)
          .isInstanceOfSatisfying(
              CredentialUnavailableException.class,
              e -> {
                assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE);
                assertThat(e.getMessage()).contains("inside the SDK");
                assertThat(e.retryAfter()).isEmpty();
              });
    }
  }

  @ParameterizedTest(name = "Retry-After: {0}")
  @MethodSource("hints")
  void theExpectedHints_areCoresOwnReading(String header, @Nullable Duration expected) {
    assertThat(RetryAfter.parse(header, time.now())).isEqualTo(Optional.ofNullable(expected));
  }

  private static void assertThrottled(
      CredentialIssuer<AwsSessionCredential> issuer, @Nullable Duration expected) {
    assertThatThrownBy(issuer::issue)
        .isInstanceOfSatisfying(
            CredentialUnavailableException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.THROTTLED);
              assertThat(e.retryAfter()).isEqualTo(Optional.ofNullable(expected));
            });
  }
}
