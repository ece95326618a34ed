package dev.ephemera.gcp;

import dev.ephemera.core.Environment;
import dev.ephemera.testkit.emulator.LoopbackTls;
import dev.ephemera.testkit.gcp.GoogleCloudEmulators;
import dev.ephemera.testkit.oidc.OidcIssuer;
import dev.ephemera.testkit.oidc.ServiceAccount;
import dev.ephemera.testkit.oidc.TokenFile;
import dev.ephemera.testkit.time.VirtualTime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Every Google emulator, an OIDC issuer and a projected token file, on one virtual time: the
 * emulators and the issuer on {@link VirtualTime#upstreamClock()}, the identity on {@code time}.
 */
final class GcpTestbed implements AutoCloseable {
  static final ServiceAccount WORKLOAD = ServiceAccount.of("payments", "api");

  final VirtualTime time;
  final OidcIssuer oidc;
  final GoogleCloudEmulators google;
  final Path dir;
  final TokenFile tokenFile;
  final String metadataHost;

  private GcpTestbed(VirtualTime time) {
    this.time = time;
    this.oidc = OidcIssuer.start(time.upstreamClock());
    this.google = GoogleCloudEmulators.start(time.upstreamClock(), oidc);
    this.metadataHost = google.metadata().hostAndPort();
    try {
      this.dir = Files.createTempDirectory("ephemera-gcp-test");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.tokenFile =
        oidc.project(
            dir.resolve("token"),
            WORKLOAD,
            google.sts().subjectTokenAudience(),
            Duration.ofHours(24));
  }

  /**
   * How far to advance for the first proactive refresh to have run whatever the jitter drew: past
   * the far edge of the band (2/3 + 10% of the lifetime), plus a second.
   */
  static Duration pastTheRefreshBand(Duration lifetime) {
    long nanos = lifetime.toNanos();
    long farEdge = nanos / 30 * 23 + (nanos % 30 * 23 + 29) / 30; // 23/30 of it, rounded up
    return Duration.ofNanos(farEdge).plusSeconds(1);
  }

  static GcpTestbed start(VirtualTime time) {
    return new GcpTestbed(time);
  }

  /** An identity on the metadata emulator, with nothing read from the real environment. */
  GoogleWorkloadIdentity.Builder metadata() {
    return GoogleWorkloadIdentity.builder()
        .environment(Environment.of(Map.of()))
        .metadataServer(metadataHost)
        .stsTokenUrl(google.sts().tokenUrl())
        .sslContext(LoopbackTls.sslContext())
        .timebase(time);
  }

  /** A federation configuration on the STS emulator, impersonating when {@code lifetime} is set. */
  ExternalAccountConfig.Builder federationConfig() {
    return ExternalAccountConfig.builder()
        .audience(google.sts().provider())
        .tokenUrl(google.sts().tokenUrl())
        .subjectTokenFile(tokenFile.path());
  }

  ExternalAccountConfig impersonationConfig(Duration lifetime) {
    return federationConfig()
        .serviceAccountImpersonationUrl(
            google.iam().impersonationUrl(google.iam().serviceAccount()))
        .tokenLifetime(lifetime)
        .build();
  }

  /** An identity for {@code config}, with nothing read from the real environment. */
  GoogleWorkloadIdentity.Builder federation(ExternalAccountConfig config) {
    return GoogleWorkloadIdentity.builder()
        .environment(Environment.of(Map.of()))
        .externalAccount(config)
        .sslContext(LoopbackTls.sslContext())
        .timebase(time);
  }

  @Override
  public void close() {
    google.close();
    oidc.close();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // best effort: a test directory
    }
  }
}
