package dev.ephemera.examples.scoped;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ephemera.aws.AwsCredentialSources;
import dev.ephemera.aws.EphemeraAwsCredentialsProvider;
import dev.ephemera.aws.SessionPolicy;
import dev.ephemera.core.Environment;
import dev.ephemera.examples.aws.AwsPod;
import dev.ephemera.testkit.aws.IssuedAwsCredentials;
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
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

class ScopedS3ExampleTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  @SuppressWarnings("NullAway.Init")
  private AwsPod pod;

  @BeforeEach
  void start(@TempDir Path dir) {
    pod = new AwsPod(dir);
    pod.s3.bucket("tenant-a-data", "orders/1.json", "orders/2.json");
    pod.s3.bucket("tenant-b-data", "orders/9.json");
  }

  @AfterEach
  void stop() {
    pod.close();
  }

  @Test
  void eachBucket_isListedWithASessionWhosePolicyNamesOnlyThatBucket() {
    Map<String, List<String>> listings =
        ScopedS3Example.run(
            Environment.of(pod.env(Map.of("S3_BUCKETS", "tenant-a-data, tenant-b-data"))), out);

    assertThat(listings)
        .containsEntry("tenant-a-data", List.of("orders/1.json", "orders/2.json"))
        .containsEntry("tenant-b-data", List.of("orders/9.json"));
    List<IssuedAwsCredentials> issued = pod.sts.issued();
    assertThat(issued).hasSize(2);
    assertThat(issued.get(0).policy())
        .hasValueSatisfying(
            p -> assertThat(p).contains("arn:aws:s3:::tenant-a-data").doesNotContain("tenant-b"));
    assertThat(issued.get(1).policy())
        .hasValueSatisfying(
            p -> assertThat(p).contains("arn:aws:s3:::tenant-b-data").doesNotContain("tenant-a"));
    assertThat(pod.s3.accessKeysSeen())
        .containsExactly(issued.get(0).accessKeyId(), issued.get(1).accessKeyId());
    assertThat(pod.s3.refusals()).isEmpty();
  }

  @Test
  void aSessionScopedToOneBucket_isRefusedOnAnother_soTheScopingAboveIsChecked() {
    Environment env = Environment.of(pod.env(Map.of()));
    try (var scoped = AwsCredentialSources.irsaFromEnvironment(env).buildScoped();
        S3Client s3 =
            ScopedS3Example.s3(env)
                .credentialsProvider(
                    EphemeraAwsCredentialsProvider.of(
                        scoped.source(SessionPolicy.s3ReadOnly("tenant-a-data", ""))))
                .build()) {
      assertThatThrownBy(() -> s3.listObjectsV2(r -> r.bucket("tenant-b-data")))
          .isInstanceOfSatisfying(
              S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(403));
    }
    assertThat(pod.s3.refusals()).singleElement().asString().startsWith("AccessDenied");
  }
}
