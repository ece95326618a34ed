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
import dev.ephemera.testkit.emulator.FaultPlan;
import dev.ephemera.testkit.emulator.LoopbackTls;
import dev.ephemera.testkit.gcp.GkeMetadataServerEmulator;
import dev.ephemera.testkit.gcp.GoogleStsEmulator;
import dev.ephemera.testkit.gcp.GoogleTokenRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Google Cloud: a GKE pod gets access tokens from the metadata server (which hands back its cached
 * token until near expiry: a renewal, not a rotation) and a downscoped token, read-only on one
 * bucket, exchanged at STS from the same source token.
 */
final class GcpScenario implements Scenario {
  private @Nullable GkeMetadataServerEmulator metadata;
  private @Nullable GoogleStsEmulator sts;
  private Duration reissueWithin = Duration.ofMinutes(5);
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
    Clock clock = world.time().clock();
    // Tokens minted by the metadata server are accepted by STS: one registry for both.
    GoogleTokenRegistry registry = GoogleTokenRegistry.create(clock);
    reissueWithin = world.lifetimes().metadataReissueWithin();
    GkeMetadataServerEmulator server =
        GkeMetadataServerEmulator.builder(clock)
            .registry(registry)
            .tokenLifetime(world.lifetimes().accessToken())
            .reissueWithin(reissueWithin)
            .start();
    metadata = server;
    GoogleStsEmulator exchange =
        GoogleStsEmulator.builder(clock, world.oidc()).registry(registry).start();
    sts = exchange;
    // What GKE gives a pod: the metadata server (here on loopback instead of 169.254.169.254).
    Environment pod = Environment.of(Map.of("GCE_METADATA_HOST", server.hostAndPort()));
    var builder =
        GoogleWorkloadIdentity.builder()
            .environment(pod)
            .stsTokenUrl(exchange.tokenUrl()) // the STS emulator, over loopback HTTPS
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
  public List<FaultPlan> faultPlans() {
    List<FaultPlan> plans = new ArrayList<>();
    if (metadata != null) {
      plans.add(metadata.faults());
    }
    if (sts != null) {
      plans.add(sts.faults());
    }
    return plans;
  }

  @Override
  public String endpoints() {
    return "the GKE metadata server and STS";
  }

  @Override
  public Optional<String> outageCaveat() {
    // Both the metadata server's cached token and a downscoped token (which expires with its
    // source token) can have only minutes left at any moment, by the server's choice; an outage
    // longer than that ends in expiry for every client, Google's own included.
    return Optional.of(
        "the GKE metadata server hands back its cached token until only "
            + StatusTable.human(reissueWithin)
            + " are left, and a downscoped token ends with it: no client (Google's own included)"
            + " rides out a longer outage at that point");
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
    if (sts != null) {
      sts.close();
    }
    if (metadata != null) {
      metadata.close();
    }
  }
}
