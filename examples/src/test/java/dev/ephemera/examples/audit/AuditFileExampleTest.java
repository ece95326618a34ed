package dev.ephemera.examples.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ephemera.core.Environment;
import dev.ephemera.testkit.aws.IssuedAwsCredentials;
import dev.ephemera.testkit.aws.StsEmulator;
import dev.ephemera.testkit.oidc.OidcIssuer;
import dev.ephemera.testkit.oidc.ServiceAccount;
import dev.ephemera.testkit.oidc.TokenFile;
import dev.ephemera.testkit.time.VirtualTime;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditFileExampleTest {
  private static final String ROLE = "arn:aws:iam::111122223333:role/billing";
  private static final ServiceAccount BILLING = ServiceAccount.of("shop", "billing");

  // Virtual time delivers audit events inline, so the file is complete when run() returns.
  private final VirtualTime time = VirtualTime.create();

  @Test
  void theAuditFile_recordsTheIssuanceAndTheClose_asJsonLines_withoutASecret(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("audit.jsonl");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OidcIssuer oidc = OidcIssuer.start(time.clock());
        StsEmulator sts =
            StsEmulator.builder(oidc).clock(time.clock()).role(ROLE, BILLING.subject()).start()) {
      TokenFile token =
          oidc.project(
              dir.resolve("token"), BILLING, StsEmulator.DEFAULT_AUDIENCE, Duration.ofHours(1));
      Environment pod =
          Environment.of(
              Map.of(
                  "EPHEMERA_AUDIT_FILE", file.toString(),
                  "AWS_ROLE_ARN", ROLE,
                  "AWS_WEB_IDENTITY_TOKEN_FILE", token.path().toString(),
                  "AWS_REGION", "us-east-2",
                  "AWS_ENDPOINT_URL_STS", sts.endpoint().toString()));

      Path written =
          AuditFileExample.run(pod, time, new PrintStream(bytes, true, StandardCharsets.UTF_8));

      assertThat(written).isEqualTo(file);
      IssuedAwsCredentials issued = sts.issued().get(0);
      assertThat(sts.issued()).hasSize(1);
      List<String> lines = Files.readAllLines(file);
      assertThat(lines)
          .allSatisfy(
              l ->
                  assertThat(l)
                      .startsWith("{\"schema\":\"ephemera.audit/v1\"")
                      .endsWith("}")
                      .doesNotContain(issued.secretAccessKey())
                      .doesNotContain(issued.sessionToken()));
      assertThat(lines)
          .filteredOn(l -> l.contains("\"ISSUED\""))
          .singleElement()
          .asString()
          .contains(issued.accessKeyId());
      assertThat(lines).last().asString().contains("\"CLOSED\"");
      assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("using " + issued.accessKeyId());
    }
  }

  @Test
  void aSecondRun_appendsToTheSameFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("audit.jsonl");
    Files.writeString(file, "{\"earlier\":true}\n");
    try (OidcIssuer oidc = OidcIssuer.start(time.clock());
        StsEmulator sts =
            StsEmulator.builder(oidc).clock(time.clock()).role(ROLE, BILLING.subject()).start()) {
      TokenFile token =
          oidc.project(
              dir.resolve("token"), BILLING, StsEmulator.DEFAULT_AUDIENCE, Duration.ofHours(1));
      Environment pod =
          Environment.of(
              Map.of(
                  "EPHEMERA_AUDIT_FILE", file.toString(),
                  "AWS_ROLE_ARN", ROLE,
                  "AWS_WEB_IDENTITY_TOKEN_FILE", token.path().toString(),
                  "AWS_REGION", "us-east-2",
                  "AWS_ENDPOINT_URL_STS", sts.endpoint().toString()));

      AuditFileExample.run(
          pod, time, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

      assertThat(Files.readAllLines(file)).first().isEqualTo("{\"earlier\":true}");
      assertThat(Files.readAllLines(file)).hasSizeGreaterThan(2);
    }
  }
}
