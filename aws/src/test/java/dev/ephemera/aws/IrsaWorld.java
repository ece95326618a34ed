package dev.ephemera.aws;

import dev.ephemera.aws.internal.StsClients;
import dev.ephemera.testkit.aws.StsEmulator;
import dev.ephemera.testkit.oidc.OidcIssuer;
import dev.ephemera.testkit.oidc.ServiceAccount;
import dev.ephemera.testkit.oidc.TokenFile;
import dev.ephemera.testkit.time.VirtualTime;
import java.nio.file.Path;
import java.time.Duration;
import software.amazon.awssdk.regions.Region;

/**
 * One IRSA setup on virtual time: an OIDC issuer playing the API server, a kubelet-projected token
 * file, and the STS emulator trusting the service account for {@link #ROLE}. The STS client is
 * built the way the module builds it (no SDK retries), with short timeouts. The issuer and the
 * emulator read {@link VirtualTime#upstreamClock()}; the source reads {@code time}, the local
 * clock.
 */
final class IrsaWorld implements AutoCloseable {
  static final String ROLE = "arn:aws:iam::111122223333:role/shop-app";
  static final String OTHER_ROLE = "arn:aws:iam::111122223333:role/admin";
  static final ServiceAccount APP = ServiceAccount.of("shop", "app");

  final VirtualTime time;
  final OidcIssuer oidc;
  final StsEmulator sts;
  final TokenFile token;
  final StsClients.Owned client;

  IrsaWorld(VirtualTime time, Path dir) {
    this.time = time;
    this.oidc = OidcIssuer.start(time.upstreamClock());
    this.sts =
        StsEmulator.builder(oidc)
            .clock(time.upstreamClock())
            .role(ROLE, Duration.ofHours(2), java.util.List.of(APP.subject()))
            .role(OTHER_ROLE, "system:serviceaccount:kube-system:admin")
            .rejectClaimsOf("system:serviceaccount:shop:banned")
            .start();
    this.token =
        oidc.project(dir.resolve("token"), APP, StsEmulator.DEFAULT_AUDIENCE, Duration.ofHours(24));
    this.client =
        StsClients.build(
            Region.US_WEST_2, sts.endpoint(), Duration.ofSeconds(2), Duration.ofSeconds(5));
  }

  /** A builder wired to this world: the emulator's STS client, the token file, virtual time. */
  IrsaSourceBuilder irsa() {
    return AwsCredentialSources.irsa()
        .roleArn(ROLE)
        .webIdentityTokenFile(token.path())
        .sessionName("shop-app-pod-1")
        .stsClient(client.sts())
        .timebase(time);
  }

  @Override
  public void close() {
    client.close();
    sts.close();
    oidc.close();
  }
}
