package dev.ephemera.benchmarks.gcp;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import dev.ephemera.core.BearerToken;
import dev.ephemera.core.CredentialSource;
import dev.ephemera.core.Environment;
import dev.ephemera.gcp.EphemeraGoogleCredentials;
import dev.ephemera.gcp.GoogleWorkloadIdentity;
import dev.ephemera.testkit.gcp.GkeMetadataServerEmulator;
import dev.ephemera.testkit.time.VirtualTime;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The request metadata of cached, valid credentials, which every Google Cloud client asks for on
 * every request: Ephemera's adapter vs Google's {@code OAuth2Credentials}, same run, 1 and 8
 * threads. Run with {@code -prof gc} to see the allocation per call. Ephemera's token comes from
 * the GKE metadata server emulator on virtual time (nothing is refreshed while measuring); Google's
 * credentials hold the same token with an expiry an hour away, far from their refresh margin.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class GoogleCredentialsBenchmark {
  private static final URI STORAGE = URI.create("https://storage.googleapis.com/");

  private GkeMetadataServerEmulator metadata;
  private CredentialSource<BearerToken> source;
  private EphemeraGoogleCredentials ephemera;
  private GoogleCredentials google;

  /** Starts the emulator and fetches one token. */
  @Setup(Level.Trial)
  public void setUp() throws IOException {
    VirtualTime time = VirtualTime.create();
    metadata = GkeMetadataServerEmulator.builder(time.clock()).start();
    source =
        GoogleWorkloadIdentity.builder()
            .environment(Environment.of(Map.of()))
            .metadataServer(metadata.hostAndPort())
            .timebase(time)
            .build()
            .accessTokens();
    ephemera = EphemeraGoogleCredentials.of(source);
    ephemera.getRequestMetadata(STORAGE);

    String token = source.get().token().reveal();
    google =
        GoogleCredentials.create(
            new AccessToken(
                token, new Date(System.currentTimeMillis() + Duration.ofHours(1).toMillis())));
    google.getRequestMetadata(STORAGE);
  }

  /** Closes everything. */
  @TearDown(Level.Trial)
  public void tearDown() {
    source.close();
    metadata.close();
  }

  /** Ephemera, one thread. */
  @Benchmark
  @Threads(1)
  public Map<String, List<String>> ephemeraAdapter_1thread() throws IOException {
    return ephemera.getRequestMetadata(STORAGE);
  }

  /** Ephemera, eight threads. */
  @Benchmark
  @Threads(8)
  public Map<String, List<String>> ephemeraAdapter_8threads() throws IOException {
    return ephemera.getRequestMetadata(STORAGE);
  }

  /** Google's OAuth2Credentials with a cached token, one thread. */
  @Benchmark
  @Threads(1)
  public Map<String, List<String>> googleOAuth2Credentials_1thread() throws IOException {
    return google.getRequestMetadata(STORAGE);
  }

  /** Google's OAuth2Credentials with a cached token, eight threads. */
  @Benchmark
  @Threads(8)
  public Map<String, List<String>> googleOAuth2Credentials_8threads() throws IOException {
    return google.getRequestMetadata(STORAGE);
  }
}
