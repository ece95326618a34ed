package dev.ephemera.benchmarks.audit;

import dev.ephemera.core.BearerToken;
import dev.ephemera.core.Secret;
import dev.ephemera.core.audit.AuditError;
import dev.ephemera.core.audit.AuditEvent;
import dev.ephemera.core.audit.AuditEventType;
import dev.ephemera.core.audit.AuditHost;
import dev.ephemera.core.audit.AuditOutcome;
import dev.ephemera.core.audit.JsonLinesAuditListener;
import dev.ephemera.core.audit.timeline.AuditTimeline;
import dev.ephemera.core.audit.timeline.TimelineQuery;
import dev.ephemera.core.audit.timeline.TimelineResult;
import dev.ephemera.core.spi.IssuerInfo;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
 * The forensic timeline of a day of audit from 1,000 sources, as {@code ./audit timeline} reads it:
 * each source issues a credential every 40 minutes, renews it after 20 and fails a refresh once in
 * a while, about 3 events an hour, 72,000 events in one file ({@code read}); then the day read and
 * asked what was live at noon ({@code readAndQueryAt}).
 */
@State(Scope.Benchmark)
@Fork(1)
public class TimelineBenchmark {
  @Param("1000")
  int sources;

  @Param("24")
  int hours;

  private static final Instant START = Instant.parse("2030-01-01T00:00:00Z");
  private static final AuditHost HOST = new AuditHost("orders-7d9", "orders-7d9", "shop", 1);

  private Path dir;
  private Path file;
  private long events;

  /** Writes the day's audit once, outside the measurement. */
  @Setup(Level.Trial)
  public void write() throws IOException {
    dir = Files.createTempDirectory("ephemera-timeline-bench");
    file = dir.resolve("audit.jsonl");
    try (JsonLinesAuditListener out =
        JsonLinesAuditListener.to(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16))) {
      for (int s = 0; s < sources; s++) {
        String source = "source-" + s;
        IssuerInfo issuer =
            IssuerInfo.of(
                "aws-irsa",
                "system:serviceaccount:shop:" + source,
                "arn:aws:iam::111122223333:role/" + source);
        Instant t = START.plusSeconds(s % 2400);
        Instant end = START.plus(Duration.ofHours(hours));
        for (int n = 0; t.isBefore(end); n++, t = t.plus(Duration.ofMinutes(40))) {
          String id = "ASIA" + source + "-" + n;
          out.onEvent(event(AuditEventType.ISSUED, source, issuer, id, t, t, t.plusSeconds(3600)));
          out.onEvent(
              event(
                  AuditEventType.RENEWED,
                  source,
                  issuer,
                  id,
                  t,
                  t.plus(Duration.ofMinutes(20)),
                  t.plusSeconds(3600 + 1200)));
          events += 2;
          if (n % 2 == 0) {
            out.onEvent(failure(source, issuer, t.plus(Duration.ofMinutes(30))));
            events++;
          }
        }
      }
    }
  }

  /** {@return the day read into lives} */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 1)
  @Measurement(iterations = 3)
  public AuditTimeline read() throws IOException {
    AuditTimeline timeline = AuditTimeline.read(List.of(file));
    if (timeline.events() != events) {
      throw new IllegalStateException(timeline.events() + " events read of " + events);
    }
    return timeline;
  }

  /** {@return the day read and asked what was live at noon, rendered as the command does} */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 1)
  @Measurement(iterations = 3)
  public String readAndQueryAt() throws IOException {
    TimelineResult live =
        AuditTimeline.read(List.of(file))
            .query(TimelineQuery.builder().at(START.plus(Duration.ofHours(hours / 2))).build());
    if (live.lives().isEmpty()) {
      throw new IllegalStateException("nothing live at noon");
    }
    return live.toTable();
  }

  /** Removes the file. */
  @TearDown(Level.Trial)
  public void delete() throws IOException {
    Files.deleteIfExists(file);
    Files.deleteIfExists(dir);
  }

  private static AuditEvent event(
      AuditEventType type,
      String source,
      IssuerInfo issuer,
      String id,
      Instant issuedAt,
      Instant time,
      Instant expiresAt) {
    return AuditEvent.builder(type, AuditOutcome.SUCCESS)
        .time(time)
        .source(source)
        .issuer(issuer)
        .credential(
            BearerToken.builder()
                .token(Secret.of("not-a-secret"))
                .id(id)
                .issuedAt(issuedAt)
                .expiresAt(expiresAt)
                .build())
        .host(HOST)
        .attribute("requestId", "4c1f0b6e-1111-2222-3333-444455556666")
        .build();
  }

  private static AuditEvent failure(String source, IssuerInfo issuer, Instant time) {
    return AuditEvent.builder(AuditEventType.REFRESH_FAILED, AuditOutcome.FAILURE)
        .time(time)
        .source(source)
        .issuer(issuer)
        .attempt(1)
        .error(new AuditError("CredentialUnavailableException", "THROTTLED", false, "slow down"))
        .host(HOST)
        .build();
  }
}
