package dev.ephemera.benchmarks.aws;

import dev.ephemera.aws.AwsCredentialSources;
import dev.ephemera.aws.AwsSessionCredential;
import dev.ephemera.aws.EphemeraAwsCredentialsProvider;
import dev.ephemera.core.CredentialSource;
import dev.ephemera.testkit.emulator.Fault;
import dev.ephemera.testkit.time.VirtualTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsWebIdentityTokenFileCredentialsProvider;

/**
 * Upstream calls when 1,000 threads resolve credentials at the same moment and the held credential
 * is expired (Ephemera) or inside its stale window (the SDK), while STS answers normally. Prints
 * one line per provider. Run: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.ephemera.benchmarks.aws.AwsExpiryStampede [threads]}.
 */
public final class AwsExpiryStampede {
  private AwsExpiryStampede() {}

  /** Runs both stampedes. */
  public static void main(String[] args) throws Exception {
    int threads = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    System.out.println("ephemera: " + ephemera(threads));
    System.out.println("sdk:      " + sdk(threads));
  }

  private static String ephemera(int threads) throws Exception {
    VirtualTime time = VirtualTime.create();
    try (StsBench world = new StsBench(time.clock());
        CredentialSource<AwsSessionCredential> source =
            AwsCredentialSources.irsa()
                .roleArn(StsBench.ROLE)
                .webIdentityTokenFile(world.token.path())
                .region("us-east-1")
                .stsEndpoint(world.sts.endpoint())
                .timebase(time)
                .build()) {
      EphemeraAwsCredentialsProvider provider = EphemeraAwsCredentialsProvider.of(source);
      provider.resolveCredentials();
      // STS is down through the refresh window and past the end of service: the credential
      // expires, as it would after an outage. Then STS comes back and everyone calls at once.
      world.sts.faults().always(Fault.status(503));
      time.advance(Duration.ofMinutes(61));
      world.sts.faults().clear();
      int before = world.sts.calls();
      Result r = stampede(provider, threads);
      return r.describe(threads, world.sts.calls() - before);
    }
  }

  private static String sdk(int threads) throws Exception {
    OffsetClock clock = new OffsetClock();
    // The first credential is issued as if an hour ago: it expires in 30 s, inside the SDK's
    // one-minute stale window, so every caller must have a fresh one before going on.
    clock.offset = Duration.ofSeconds(-3570);
    try (StsBench world = new StsBench(clock);
        StsClient client = world.sdkClient();
        StsWebIdentityTokenFileCredentialsProvider provider = world.sdkProvider(client)) {
      provider.resolveCredentials();
      clock.offset = Duration.ZERO;
      int before = world.sts.calls();
      Result r = stampede(provider, threads);
      return r.describe(threads, world.sts.calls() - before);
    }
  }

  private record Result(int ok, int failed, long millis) {
    String describe(int threads, int calls) {
      return threads
          + " threads -> "
          + calls
          + " STS call(s), "
          + ok
          + " got credentials, "
          + failed
          + " failed, "
          + millis
          + " ms";
    }
  }

  private static Result stampede(AwsCredentialsProvider provider, int threads) throws Exception {
    CountDownLatch ready = new CountDownLatch(threads);
    CountDownLatch go = new CountDownLatch(1);
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    List<Thread> all = new ArrayList<>(threads);
    for (int i = 0; i < threads; i++) {
      Thread t =
          new Thread(
              () -> {
                ready.countDown();
                try {
                  go.await();
                  provider.resolveCredentials();
                  ok.incrementAndGet();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                  failed.incrementAndGet();
                }
              });
      t.start();
      all.add(t);
    }
    ready.await();
    long start = System.nanoTime();
    go.countDown();
    for (Thread t : all) {
      t.join();
    }
    return new Result(ok.get(), failed.get(), (System.nanoTime() - start) / 1_000_000);
  }

  /** The system clock shifted by a settable offset, for the STS emulator the SDK talks to. */
  private static final class OffsetClock extends Clock {
    volatile Duration offset = Duration.ZERO;

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.now().plus(offset);
    }
  }
}
