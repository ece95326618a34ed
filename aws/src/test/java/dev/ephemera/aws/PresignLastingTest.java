package dev.ephemera.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ephemera.core.CredentialConfigurationException;
import dev.ephemera.core.Environment;
import dev.ephemera.testkit.aws.IssuedAwsCredentials;
import dev.ephemera.testkit.time.VirtualTime;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.s3.presigner.model.PresignedGetObjectRequest;

/**
 * {@code lasting(d)} through the SDK's own {@link S3Presigner}: a URL valid for {@code d} is signed
 * with a credential STS issued to last at least that long, or the provider refuses to be built.
 */
class PresignLastingTest {
  private static final Duration HOUR = Duration.ofHours(1);

  @SuppressWarnings("NullAway.Init")
  @TempDir
  Path dir;

  private final VirtualTime time = VirtualTime.create();

  @SuppressWarnings("NullAway.Init")
  private IrsaWorld world;

  @BeforeEach
  void start() {
    world = new IrsaWorld(time, dir); // the role allows 2 h sessions
  }

  @AfterEach
  void stop() {
    world.close();
  }

  private Map<String, String> env(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>();
    env.put("AWS_ROLE_ARN", IrsaWorld.ROLE);
    env.put("AWS_WEB_IDENTITY_TOKEN_FILE", world.token.path().toString());
    env.put("AWS_REGION", "us-west-2");
    env.put("AWS_ENDPOINT_URL_STS", world.sts.endpoint().toString());
    env.put("AWS_ROLE_SESSION_NAME", "presigner");
    env.putAll(extra);
    return env;
  }

  private IssuedAwsCredentials presignAnHour(EphemeraAwsCredentialsProvider provider) {
    try (S3Presigner presigner =
        S3Presigner.builder().region(Region.US_WEST_2).credentialsProvider(provider).build()) {
      PresignedGetObjectRequest url =
          presigner.presignGetObject(
              r ->
                  r.signatureDuration(HOUR)
                      .getObjectRequest(g -> g.bucket("acme-reports").key("q1.csv")));
      String query = URLDecoder.decode(url.url().getQuery(), StandardCharsets.UTF_8);
      String keyId = query.replaceAll("(?s).*X-Amz-Credential=([A-Z0-9]+)/.*", "$1");
      return world.sts.issued(keyId).orElseThrow();
    }
  }

  @Test
  void withTheSessionFromTheEnvironment_everyUrlIsSignedWithACredentialThatOutlivesIt() {
    try (var aws =
        AwsCredentialSources.irsaFromEnvironment(
                Environment.of(env(Map.of("AWS_ROLE_SESSION_DURATION", "7200"))))
            .timebase(time)
            .build()) {
      EphemeraAwsCredentialsProvider presigning =
          EphemeraAwsCredentialsProvider.of(aws).lasting(HOUR);
      for (int i = 0; i < 6; i++) { // every 20 min for two hours: across the early refreshes
        Instant now = time.upstreamClock().instant();
        IssuedAwsCredentials signedWith = presignAnHour(presigning);
        assertThat(signedWith.expiration()).isAfterOrEqualTo(now.plus(HOUR));
        time.advance(Duration.ofMinutes(20));
      }
      assertThat(world.sts.issued())
          .allSatisfy(c -> assertThat(c.roleArn()).isEqualTo(IrsaWorld.ROLE));
    }
  }

  @Test
  void withTheDefaultHourSession_lastingAnHourFailsAtBuild_namingTheVariable() {
    try (var aws =
        AwsCredentialSources.irsaFromEnvironment(Environment.of(env(Map.of())))
            .timebase(time)
            .build()) {
      assertThatThrownBy(() -> EphemeraAwsCredentialsProvider.of(aws).lasting(HOUR))
          .isInstanceOfSatisfying(
              CredentialConfigurationException.class,
              e -> assertThat(e.setting()).isEqualTo("AWS_ROLE_SESSION_DURATION"))
          .hasMessageContaining("3540 s");
      // what it can promise, it promises: 59 min is the most an hour's session is served
      IssuedAwsCredentials signedWith =
          presignAnHour(EphemeraAwsCredentialsProvider.of(aws).lasting(Duration.ofMinutes(59)));
      assertThat(signedWith.expiration())
          .isAfterOrEqualTo(time.upstreamClock().instant().plus(Duration.ofMinutes(59)));
    }
  }

  @Test
  void anExplicitBuilder_isNamedByItsMethod_andTwoHoursSignAnHour() {
    try (var aws = world.irsa().build()) {
      assertThatThrownBy(() -> EphemeraAwsCredentialsProvider.of(aws).lasting(HOUR))
          .isInstanceOfSatisfying(
              CredentialConfigurationException.class,
              e -> assertThat(e.setting()).isEqualTo("sessionDuration"));
    }
    try (var aws = world.irsa().sessionDuration(Duration.ofHours(2)).build()) {
      IssuedAwsCredentials signedWith =
          presignAnHour(EphemeraAwsCredentialsProvider.of(aws).lasting(HOUR));
      assertThat(signedWith.expiration())
          .isAfterOrEqualTo(time.upstreamClock().instant().plus(HOUR));
    }
  }

  @Test
  void aSessionVariableThatIsNotWholeSeconds_isRefusedNamingIt() {
    for (String bad : new String[] {"2h", "899", "43201"}) {
      assertThatThrownBy(
              () ->
                  AwsCredentialSources.irsaFromEnvironment(
                          Environment.of(env(Map.of("AWS_ROLE_SESSION_DURATION", bad))))
                      .timebase(time)
                      .build())
          .isInstanceOfSatisfying(
              CredentialConfigurationException.class,
              e -> assertThat(e.setting()).isEqualTo("AWS_ROLE_SESSION_DURATION"));
    }
  }
}
