package dev.ephemera.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ephemera.testkit.time.VirtualTime;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The real peer: an SDK {@link S3Client} configured with the Ephemera adapter makes SigV4-signed
 * requests that S3Proxy verifies against the secret keys the STS emulator issued. Proves the
 * credentials are usable, across a rotation, not just parsed.
 */
class S3ProxySigV4Test {
  @SuppressWarnings("NullAway.Init")
  @TempDir
  Path dir;

  @SuppressWarnings("NullAway.Init")
  private IrsaWorld world;

  @SuppressWarnings("NullAway.Init")
  private S3ProxyPeer s3proxy;

  private final VirtualTime time = VirtualTime.create();

  @BeforeEach
  void start() throws Exception {
    world = new IrsaWorld(time, dir);
    s3proxy = new S3ProxyPeer(world.sts::secretKeyIfValid);
  }

  @AfterEach
  void stop() throws Exception {
    s3proxy.close();
    world.close();
  }

  private S3Client s3(AwsCredentialsProvider credentials) {
    return S3Client.builder()
        .region(Region.US_EAST_1)
        .endpointOverride(s3proxy.endpoint())
        .forcePathStyle(true)
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .httpClient(UrlConnectionHttpClient.create())
        .credentialsProvider(credentials)
        .build();
  }

  @Test
  void signedRequests_withEphemeraCredentials_areAccepted_beforeAndAfterRotation() {
    try (var source = world.irsa().build();
        S3Client s3 = s3(EphemeraAwsCredentialsProvider.of(source))) {
      AwsSessionCredential first = source.get();
      s3.createBucket(b -> b.bucket("reports"));
      s3.putObject(
          b -> b.bucket("reports").key("2026/q1.csv"), RequestBody.fromString("a,b\n1,2\n"));
      assertThat(s3.getObjectAsBytes(b -> b.bucket("reports").key("2026/q1.csv")).asUtf8String())
          .isEqualTo("a,b\n1,2\n");

      time.advance(Duration.ofMinutes(50)); // past the proactive refresh
      AwsSessionCredential second = source.get();
      assertThat(second.id()).isNotEqualTo(first.id());

      assertThat(s3.listObjectsV2(b -> b.bucket("reports")).contents()).hasSize(1);
      assertThat(s3proxy.identitiesSeen()).contains(first.id(), second.id());
      assertThat(s3proxy.identitiesSeen().get(s3proxy.identitiesSeen().size() - 1))
          .isEqualTo(second.id());
    }
  }

  @Test
  void aWrongSecretKey_isRejectedByTheSigV4Check_soTheAcceptanceAboveMeansSomething() {
    try (var source = world.irsa().build()) {
      AwsSessionCredential real = source.get();
      AwsSessionCredentials forged =
          AwsSessionCredentials.create(
              real.id(), "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY", real.sessionToken().reveal());
      try (S3Client s3 = s3(StaticCredentialsProvider.create(forged))) {
        assertThatThrownBy(() -> s3.listBuckets())
            .isInstanceOfSatisfying(
                S3Exception.class,
                e -> {
                  assertThat(e.statusCode()).isEqualTo(403);
                  assertThat(e.awsErrorDetails().errorCode()).isEqualTo("SignatureDoesNotMatch");
                });
      }
    }
  }
}
