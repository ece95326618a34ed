package dev.ephemera.examples.aws;

import dev.ephemera.testkit.aws.StsEmulator;
import dev.ephemera.testkit.oidc.OidcIssuer;
import dev.ephemera.testkit.oidc.ServiceAccount;
import dev.ephemera.testkit.oidc.TokenFile;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * An EKS pod with IRSA on loopback, in real time: the OIDC issuer playing the API server, the
 * projected token file the kubelet writes, the STS emulator trusting the pod's service account, an
 * S3 stand-in checking the credentials STS issued, and the variables EKS injects.
 */
public final class AwsPod implements AutoCloseable {
  public static final String ROLE = "arn:aws:iam::111122223333:role/reports-reader";
  public static final ServiceAccount ACCOUNT = ServiceAccount.of("analytics", "reports");

  public final OidcIssuer oidc = OidcIssuer.start(Clock.systemUTC());
  public final StsEmulator sts = StsEmulator.builder(oidc).role(ROLE, ACCOUNT.subject()).start();
  public final FakeS3 s3 = new FakeS3(sts);
  public final TokenFile token;

  public AwsPod(Path dir) {
    token =
        oidc.project(
            dir.resolve("aws-token"), ACCOUNT, StsEmulator.DEFAULT_AUDIENCE, Duration.ofHours(1));
  }

  /** What EKS injects, pointed at the emulators, plus {@code extra}. */
  public Map<String, String> env(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>();
    env.put("AWS_ROLE_ARN", ROLE);
    env.put("AWS_WEB_IDENTITY_TOKEN_FILE", token.path().toString());
    env.put("AWS_REGION", "eu-west-1");
    env.put("AWS_ENDPOINT_URL_STS", sts.endpoint().toString());
    env.put("AWS_ENDPOINT_URL_S3", s3.endpoint().toString());
    env.putAll(extra);
    return env;
  }

  @Override
  public void close() {
    s3.close();
    sts.close();
    oidc.close();
  }
}
