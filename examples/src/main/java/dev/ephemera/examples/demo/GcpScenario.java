package dev.ephemera.examples.demo;

import dev.ephemera.core.BearerToken;
import dev.ephemera.core.CredentialSource;
import dev.ephemera.core.Environment;
import dev.ephemera.core.audit.AuditEventType;
import dev.ephemera.core.scope.ScopedCredentials;
import dev.ephemera.gcp.AccessBoundary;
import dev.ephemera.gcp.EphemeraGoogleCredentials;
import dev.ephemera.gcp.GoogleWorkloadIdentity;
import dev.ephemera.testkit.RecordingAuditListener;
import dev.ephemera.testkit.emulator.LoopbackTls;
import dev.ephemera.testkit.gcp.GoogleCloudEmulators;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Google Cloud: a GKE pod gets access tokens from the metadata server (which hands back its cached
 * token until near expiry: a renewal, not a rotation) and a downscoped token, read-only on one
 * bucket, exchanged at STS from the same source token.
 */
final class GcpScenario implements Scenario {
  private @Nullable GoogleCloudEmulators google;
  private @Nullable CredentialSource<BearerToken> tokens;
  private @Nullable ScopedCredentials<AccessBoundary, BearerToken> perBucket;
  private final List<Watched> watched = new ArrayList<>();
  private final List<Probe> probes = new ArrayList<>();

  @Override
  public String backend() {
    return "gcp";
  }

  @Override
  public void start(DemoWorld world) {
    GoogleCloudEmulators emulators = GoogleCloudEmulators.start(world.time().clock(), world.oidc());
    google = emulators;
    // What GKE gives a pod: the metadata server (here on loopback instead of 169.254.169.254).
    Environment pod =
        Environment.of(Map.of("GCE_METADATA_HOST", emulators.metadata().hostAndPort()));
    var builder =
        GoogleWorkloadIdentity.builder()
            .environment(pod)
            .stsTokenUrl(emulators.sts().tokenUrl()) // the STS emulator, over loopback HTTPS
            .sslContext(LoopbackTls.sslContext())
            .timebase(world.time());
    world.audit().forEach(builder::auditListener);
    GoogleWorkloadIdentity gcp = builder.build();
    CredentialSource<BearerToken> access = gcp.accessTokens();
    tokens = access;
    ScopedCredentials<AccessBoundary, BearerToken> scoped = gcp.downscoped(access);
    perBucket = scoped;
    AccessBoundary reports = AccessBoundary.readOnlyBucket("reports");
    watched.add(new Watched("gcp-metadata", access));
    watched.add(new Watched("gcp-reports(ro)", scoped.source(reports)));

    // What every Google Cloud client does per request: ask its credentials for the header.
    EphemeraGoogleCredentials credentials = EphemeraGoogleCredentials.of(access);
    URI storage = URI.create("https://storage.googleapis.com/");
    probes.add(
        new Probe(
            "gcp-metadata",
            () -> {
              if (credentials.getRequestMetadata(storage).get("Authorization") == null) {
                throw new IllegalStateException("no Authorization header");
              }
            }));
    probes.add(new Probe("gcp-reports(ro)", () -> scoped.get(reports)));
  }

  @Override
  public List<Watched> watched() {
    return watched;
  }

  @Override
  public List<Probe> probes() {
    return probes;
  }

  @Override
  public void outage(boolean down) {
    // Not applied to Google: both the metadata server's cached token and a downscoped token (which
    // expires with its source token) can have only minutes left at any moment, by the server's
    // choice; an outage longer than that ends in expiry for every client, Google's own included.
    // The GCP tests cover outages against those rules (MetadataServerTest, DownscopingTest).
  }

  @Override
  public List<String> check(RecordingAuditListener audit) {
    List<String> problems = new ArrayList<>();
    if (audit
            .matching(e -> e.type() == AuditEventType.ISSUED && e.provider().startsWith("gcp"))
            .size()
        < 2) {
      problems.add("expected a metadata token and a downscoped token");
    }
    return problems;
  }

  @Override
  public void close() {
    if (perBucket != null) {
      perBucket.close();
    }
    if (tokens != null) {
      tokens.close();
    }
    if (google != null) {
      google.close();
    }
  }
}
