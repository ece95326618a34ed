package dev.ephemera.benchmarks;

import dev.ephemera.core.BearerToken;
import dev.ephemera.core.CredentialSources;
import dev.ephemera.core.refresh.RefreshingCredentialSource;
import dev.ephemera.testkit.FakeIssuer;
import dev.ephemera.testkit.time.VirtualTime;
import java.time.Duration;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code get()} on a held, valid credential, against the floor it should sit on: one volatile read
 * of a reference. Run at 1 and 8 threads ({@code -t 1}, {@code -t 8}) with {@code -prof gc}.
 *
 * <p>The source runs on virtual time so no refresh can fire during measurement: what is measured is
 * the hot path alone.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class GetBenchmark {
  private RefreshingCredentialSource<BearerToken> source;
  private volatile BearerToken held;

  /** Builds a source holding a valid one-hour credential. */
  @Setup(Level.Trial)
  public void setUp() {
    VirtualTime time = VirtualTime.create();
    source =
        CredentialSources.refreshing(
                FakeIssuer.builder(time.clock()).lifetime(Duration.ofHours(1)).build())
            .timebase(time)
            .build();
    held = source.get();
  }

  /** Closes the source. */
  @TearDown(Level.Trial)
  public void tearDown() {
    source.close();
  }

  /** The floor: a volatile read of a reference. */
  @Benchmark
  public BearerToken volatileRead() {
    return held;
  }

  /** The hot path. */
  @Benchmark
  public BearerToken get() {
    return source.get();
  }

  /** The non-blocking peek. */
  @Benchmark
  public Object current() {
    return source.current();
  }
}
