package dev.ephemera.benchmarks.aws;

import dev.ephemera.testkit.aws.StsEmulator;
import dev.ephemera.testkit.oidc.OidcIssuer;
import dev.ephemera.testkit.oidc.ServiceAccount;
import dev.ephemera.testkit.oidc.TokenFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsWebIdentityTokenFileCredentialsProvider;

/** An OIDC issuer, a projected token file and the STS emulator on one clock, for benchmarks. */
final class StsBench implements AutoCloseable {
  static final String ROLE = "arn:aws:iam::111122223333:role/bench";
  static final ServiceAccount SA = ServiceAccount.of("bench", "app");

  final OidcIssuer oidc;
  final StsEmulator sts;
  final TokenFile token;
  final Path dir;

  StsBench(Clock clock) {
    try {
      dir = Files.createTempDirectory("ephemera-bench");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    oidc = OidcIssuer.start(clock);
    sts = StsEmulator.builder(oidc).clock(clock).role(ROLE, SA.subject()).start();
    token =
        oidc.project(dir.resolve("token"), SA, StsEmulator.DEFAULT_AUDIENCE, Duration.ofHours(24));
  }

  /** The SDK's own web-identity provider, on an SDK STS client pointed at the emulator. */
  StsWebIdentityTokenFileCredentialsProvider sdkProvider(StsClient client) {
    return StsWebIdentityTokenFileCredentialsProvider.builder()
        .stsClient(client)
        .roleArn(ROLE)
        .roleSessionName("sdk-bench")
        .webIdentityTokenFile(token.path())
        .build();
  }

  StsClient sdkClient() {
    return StsClient.builder()
        .region(Region.US_EAST_1)
        .endpointOverride(sts.endpoint())
        .credentialsProvider(AnonymousCredentialsProvider.create())
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  @Override
  public void close() {
    sts.close();
    oidc.close();
    token.delete();
    try {
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      // a temp directory
    }
  }
}
