package dev.ephemera.examples.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ephemera.core.CredentialConfigurationException;
import dev.ephemera.core.Environment;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.S3Exception;

class S3ListingExampleTest {
  @SuppressWarnings("NullAway.Init")
  private AwsPod pod;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  private PrintStream out() {
    return new PrintStream(out, true, StandardCharsets.UTF_8);
  }

  @BeforeEach
  void start(@TempDir Path dir) {
    pod = new AwsPod(dir);
  }

  @AfterEach
  void stop() {
    pod.close();
  }

  @Test
  void listsTheBucket_withRequestsSignedByTheSessionStsIssued() {
    pod.s3.bucket("acme-reports", "2025/q4.csv", "2026/q1.csv", "2026/q2.csv");

    List<String> keys =
        S3ListingExample.run(
            Environment.of(pod.env(Map.of("S3_BUCKET", "acme-reports", "S3_PREFIX", "2026/"))),
            out());

    assertThat(keys).containsExactly("2026/q1.csv", "2026/q2.csv");
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("s3://acme-reports/2026/q1.csv  11 bytes");
    assertThat(pod.sts.issued()).hasSize(1);
    assertThat(pod.s3.accessKeysSeen()).containsExactly(pod.sts.issued().get(0).accessKeyId());
    assertThat(pod.s3.refusals()).isEmpty();
  }

  @Test
  void theStandIn_refusesCredentialsStsDidNotIssue_soTheListingAboveProvesSomething() {
    pod.s3.bucket("acme-reports", "a");
    Map<String, String> env = pod.env(Map.of("S3_BUCKET", "acme-reports"));

    try (var s3 =
        S3ListingExample.s3(
            Environment.of(env),
            software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                software.amazon.awssdk.auth.credentials.AwsSessionCredentials.create(
                    "ASIAFORGEDFORGED0000", "forged-secret", "forged-token")))) {
      assertThatThrownBy(() -> S3ListingExample.list(s3, "acme-reports", "", out()))
          .isInstanceOfSatisfying(
              S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(403));
    }
    assertThat(pod.s3.refusals()).singleElement().asString().startsWith("InvalidAccessKeyId");
  }

  @Test
  void aPodWithoutIrsa_failsWithTheMissingVariableNamed() {
    assertThatThrownBy(
            () ->
                S3ListingExample.run(
                    Environment.of(Map.of("S3_BUCKET", "acme-reports", "AWS_REGION", "eu-west-1")),
                    out()))
        .isInstanceOfSatisfying(
            CredentialConfigurationException.class,
            e -> assertThat(e.setting()).isEqualTo("AWS_ROLE_ARN"));
  }
}
