package dev.ephemera.benchmarks.aws;

import dev.ephemera.aws.AwsCredentialSources;
import dev.ephemera.aws.AwsSessionCredential;
import dev.ephemera.aws.EphemeraAwsCredentialsProvider;
import dev.ephemera.core.CredentialSource;
import dev.ephemera.testkit.time.VirtualTime;
import java.time.Clock;
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
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsWebIdentityTokenFileCredentialsProvider;

/**
 * Resolving cached, valid credentials: Ephemera's adapter vs the SDK's {@code
 * StsWebIdentityTokenFileCredentialsProvider}, same run, 1 and 8 threads. Run with {@code -prof gc}
 * to see the allocation per call. Both fetched once from the STS emulator in setup; nothing is
 * refreshed while measuring (Ephemera on virtual time; the SDK's one-hour credential is far from
 * its 5-minute prefetch window).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class AwsProviderBenchmark {
  private StsBench virtualWorld;
  private StsBench realWorld;
  private CredentialSource<AwsSessionCredential> source;
  private EphemeraAwsCredentialsProvider ephemera;
  private StsClient sdkClient;
  private StsWebIdentityTokenFileCredentialsProvider sdk;

  /** Starts the emulators and fetches one credential through each provider. */
  @Setup(Level.Trial)
  public void setUp() {
    VirtualTime time = VirtualTime.create();
    virtualWorld = new StsBench(time.clock());
    source =
        AwsCredentialSources.irsa()
            .roleArn(StsBench.ROLE)
            .webIdentityTokenFile(virtualWorld.token.path())
            .region("us-east-1")
            .stsEndpoint(virtualWorld.sts.endpoint())
            .timebase(time)
            .build();
    ephemera = EphemeraAwsCredentialsProvider.of(source);
    ephemera.resolveCredentials();

    realWorld = new StsBench(Clock.systemUTC());
    sdkClient = realWorld.sdkClient();
    sdk = realWorld.sdkProvider(sdkClient);
    sdk.resolveCredentials();
  }

  /** Closes everything. */
  @TearDown(Level.Trial)
  public void tearDown() {
    source.close();
    sdk.close();
    sdkClient.close();
    virtualWorld.close();
    realWorld.close();
  }

  /** Ephemera, one thread. */
  @Benchmark
  @Threads(1)
  public AwsCredentials ephemeraAdapter_1thread() {
    return ephemera.resolveCredentials();
  }

  /** Ephemera, eight threads. */
  @Benchmark
  @Threads(8)
  public AwsCredentials ephemeraAdapter_8threads() {
    return ephemera.resolveCredentials();
  }

  /** The SDK's provider, one thread. */
  @Benchmark
  @Threads(1)
  public AwsCredentials sdkWebIdentityProvider_1thread() {
    return sdk.resolveCredentials();
  }

  /** The SDK's provider, eight threads. */
  @Benchmark
  @Threads(8)
  public AwsCredentials sdkWebIdentityProvider_8threads() {
    return sdk.resolveCredentials();
  }
}
