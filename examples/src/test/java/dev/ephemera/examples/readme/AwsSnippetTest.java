package dev.ephemera.examples.readme;

// README:begin testing-aws
import static org.assertj.core.api.Assertions.assertThat;

import dev.ephemera.core.Environment;
import dev.ephemera.testkit.aws.StsEmulator;
import dev.ephemera.testkit.junit.EmulatorExtension;
import dev.ephemera.testkit.oidc.OidcIssuer;
import dev.ephemera.testkit.oidc.ServiceAccount;
import dev.ephemera.testkit.oidc.TokenFile;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

// README:end testing-aws

// README:begin testing-aws
class AwsSnippetTest {
  static final String ROLE = "arn:aws:iam::111122223333:role/reports";
  static final ServiceAccount POD = ServiceAccount.of("analytics", "reports"); // namespace, name

  @RegisterExtension // starts the emulators a test asks for, closes them after it
  static final EmulatorExtension emulators =
      EmulatorExtension.create()
          .sts(sts -> sts.role(ROLE, Duration.ofHours(2), List.of(POD.subject())));

  @Test
  void presignsWithACredentialStsIssuedForThePod(
      StsEmulator sts, OidcIssuer kubernetes, @TempDir Path dir) {
    TokenFile token = // the kubelet's projected token, audience sts.amazonaws.com
        kubernetes.project(
            dir.resolve("token"), POD, StsEmulator.DEFAULT_AUDIENCE, Duration.ofHours(24));
    Map<String, String> pod = new HashMap<>(sts.irsaEnvironment(ROLE, token));
    pod.put("AWS_ROLE_SESSION_DURATION", "7200");

    URL url = AwsSnippet.reports(Environment.of(pod));

    assertThat(url.getQuery()).contains("X-Amz-Expires=3600");
    assertThat(sts.issued()).hasSize(2); // the role's session and the scoped one
    assertThat(url.getQuery()).contains(sts.issued().get(0).accessKeyId());
  }
}
// README:end testing-aws
