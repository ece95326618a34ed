package dev.ephemera.benchmarks.audit;

import dev.ephemera.core.audit.AuditEvent;
import dev.ephemera.core.audit.AuditEventType;
import dev.ephemera.core.audit.AuditHost;
import dev.ephemera.core.audit.AuditOutcome;
import dev.ephemera.core.audit.chain.ChainKeys;
import dev.ephemera.core.audit.chain.ChainReport;
import dev.ephemera.core.audit.chain.ChainVerifier;
import dev.ephemera.core.audit.chain.ChainedAuditSink;
import dev.ephemera.core.audit.chain.CheckpointSigner;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Verifying a tamper-evident audit trail of a million entries (hashes, MACs and a signed checkpoint
 * every 1,000 events) from a file, as an auditor's {@code ./audit verify} does; and writing one
 * event to a chain ({@code append}: hash, MAC, and the amortised checkpoint signature).
 */
@State(Scope.Benchmark)
@Fork(1)
public class ChainVerifyBenchmark {
  @Param("1000000")
  int entries;

  private Path dir;
  private Path file;
  private KeyPair key;
  private final byte[] macKey = filled();
  private ChainedAuditSink appendSink;
  private AuditEvent event;

  /** Writes the trail once, outside the measurement. */
  @Setup(Level.Trial)
  public void write() throws IOException {
    key = ChainKeys.generateEd25519();
    dir = Files.createTempDirectory("ephemera-chain-bench");
    file = dir.resolve("audit.chain.jsonl");
    Instant start = Instant.parse("2030-01-01T00:00:00Z");
    event = event(start);
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
        ChainedAuditSink sink = sink(out).build()) {
      for (int i = 0; i < entries; i++) {
        sink.onEvent(event);
      }
    }
    appendSink = sink(OutputStream.nullOutputStream()).build();
  }

  private ChainedAuditSink.Builder sink(OutputStream out) {
    return ChainedAuditSink.builder(out)
        .origin("bench")
        .signer(CheckpointSigner.ed25519(key.getPrivate(), key.getPublic()))
        .hmacKey(macKey.clone())
        .checkpointEvery(1000)
        .checkpointInterval(Duration.ofDays(1));
  }

  /** {@return the report of verifying the million entries} */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 1)
  @Measurement(iterations = 3)
  public ChainReport verify() throws IOException {
    ChainReport report =
        ChainVerifier.builder()
            .publicKey(key.getPublic())
            .hmacKey(macKey)
            .build()
            .verify(List.of(file));
    if (!report.intact()) {
      throw new IllegalStateException(report.summary());
    }
    return report;
  }

  /** One event written to a chain (to a null stream: the sink's own cost). */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  @Warmup(iterations = 2, time = 1)
  @Measurement(iterations = 3, time = 1)
  public void append() {
    appendSink.onEvent(event);
  }

  /** Removes the trail. */
  @TearDown(Level.Trial)
  public void delete() throws IOException {
    Files.deleteIfExists(file);
    Files.deleteIfExists(dir);
  }

  private static AuditEvent event(Instant time) {
    return AuditEvent.builder(AuditEventType.RENEWED, AuditOutcome.SUCCESS)
        .time(time)
        .source("orders-s3")
        .credentialId("ASIAEXAMPLE")
        .host(new AuditHost("orders-7d9", "orders-7d9", "shop", 1))
        .attribute("requestId", "4c1f0b6e-1111-2222-3333-444455556666")
        .build();
  }

  private static byte[] filled() {
    byte[] k = new byte[32];
    Arrays.fill(k, (byte) 9);
    return k;
  }
}
