package dev.ephemera.core.audit.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ephemera.core.audit.AuditEvent;
import dev.ephemera.core.audit.AuditEventType;
import dev.ephemera.core.audit.AuditOutcome;
import dev.ephemera.core.internal.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChainedAuditSinkTest {
  private final ChainFixture fx = new ChainFixture();

  @SuppressWarnings("NullAway.Init")
  @TempDir
  Path dir;

  private ChainReport verify(List<String> lines) throws IOException {
    return fx.verifier().verify(List.of(ChainFixture.write(dir, "audit.jsonl", lines)));
  }

  @Test
  void everyEntryIsOneLineOfTheFormat_linkedToTheOneBefore() {
    List<String> lines = fx.chain("e1", 6);

    String prev = ChainFormat.NO_PREVIOUS;
    for (int i = 0; i < lines.size(); i++) {
      Map<String, Object> entry = Json.parseObject(lines.get(i));
      assertThat(entry.get("v")).isEqualTo(ChainFormat.VERSION);
      assertThat(entry.get("seq")).hasToString(Integer.toString(i));
      assertThat(entry.get("prev")).isEqualTo(prev);
      prev = (String) entry.get("hash");
    }
    assertThat(lines.get(0)).contains("\"kind\":\"EPOCH\"");
    assertThat(lines.get(lines.size() - 1)).contains("\"kind\":\"CHECKPOINT\"", "\"final\":true");
  }

  @Test
  void credentialIds_areKeyedFingerprints_neverInTheClear() throws IOException {
    List<String> lines = fx.chain("e1", 3);

    assertThat(String.join("\n", lines)).doesNotContain("hvs-accessor-");
    assertThat(lines.get(1)).containsPattern("\"credentialId\":\"hmac-sha256:[0-9a-f]{32}\"");
    // the same id, the same fingerprint: an auditor correlates without the id itself
    List<String> again = fx.chain("e2", 3);
    assertThat(fingerprint(again.get(1))).isEqualTo(fingerprint(lines.get(1)));
    assertThat(verify(lines).problems()).isEmpty();

    ByteArrayOutputStream clear = new ByteArrayOutputStream();
    try (ChainedAuditSink sink =
        fx.sink(clear, "e3", ChainFixture.START).fingerprintIds(false).build()) {
      sink.onEvent(ChainFixture.event(1, ChainFixture.START));
    }
    assertThat(clear.toString(StandardCharsets.UTF_8)).contains("hvs-accessor-1");
  }

  @Test
  void eventsThePipelineDropped_becomeADeclaredGap_thatVerifies() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ChainedAuditSink sink = fx.sink(out, "e1", ChainFixture.START).build()) {
      sink.onEvent(ChainFixture.event(1, ChainFixture.START));
      sink.onEvent(
          AuditEvent.builder(AuditEventType.ANOMALY, AuditOutcome.FAILURE)
              .time(ChainFixture.START)
              .source("s")
              .attribute("anomaly", "audit-events-dropped")
              .attribute("dropped", "3")
              .build());
      sink.onEvent(ChainFixture.event(2, ChainFixture.START));
    }
    List<String> lines = ChainFixture.lines(out);

    ChainReport report = verify(lines);

    assertThat(report.problems()).isEmpty();
    assertThat(report.gaps()).isEqualTo(1);
    assertThat(report.lost()).isEqualTo(3);
    int gap = ChainFixture.indexOfKind(lines, "GAP", 0);
    assertThat(lines.get(gap)).contains("\"seq\":5", "\"lost\":3", "audit queue full");
  }

  @Test
  void aWriteThatFails_isCounted_andDeclared_neverThrown() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    FailingOnce out = new FailingOnce(bytes, 2);
    try (ChainedAuditSink failing =
        ChainedAuditSink.builder(out)
            .origin("workload-a")
            .epoch("e1")
            .clock(new ChainFixture.SteppingClock(ChainFixture.START))
            .signer(CheckpointSigner.ed25519(fx.keys.getPrivate(), fx.keys.getPublic()))
            .hmacKey(fx.hmacKey.clone())
            .build()) {
      for (int i = 0; i < 4; i++) {
        failing.onEvent(ChainFixture.event(i, ChainFixture.START));
      }
      assertThat(failing.writeFailures()).isEqualTo(1);
    }
    List<String> lines = ChainFixture.lines(bytes);

    ChainReport report = verify(lines);

    assertThat(report.problems()).isEmpty();
    assertThat(report.lost()).isEqualTo(1);
    assertThat(String.join("\n", lines)).contains("write failed: IOException");
  }

  @Test
  void checkpointsComeEveryNEvents_afterTheInterval_onDemand_andAtClose() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ChainedAuditSink sink =
        fx.sink(out, "e1", ChainFixture.START)
            .checkpointEvery(1000)
            .checkpointInterval(Duration.ofSeconds(3))
            .build()) {
      // the clock steps a second a read: the third event is 3 s after the epoch started
      for (int i = 0; i < 3; i++) {
        sink.onEvent(ChainFixture.event(i, ChainFixture.START));
      }
      assertThat(count(out, "CHECKPOINT")).isEqualTo(1);
      sink.checkpoint();
      assertThat(count(out, "CHECKPOINT")).isEqualTo(2);
      assertThat(sink.head().seq()).isEqualTo(sink.written() - 1);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    assertThat(count(out, "CHECKPOINT")).isEqualTo(3);
  }

  @Test
  void aSignerThatFails_leavesAnUnsignedCheckpoint_thatTheVerifierReports() throws IOException {
    CheckpointSigner broken =
        new CheckpointSigner() {
          @Override
          public String algorithm() {
            return ED25519;
          }

          @Override
          public String keyId() {
            return "k";
          }

          @Override
          public byte[] sign(byte[] message) throws GeneralSecurityException {
            throw new GeneralSecurityException("HSM unreachable");
          }
        };
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ChainedAuditSink sink = fx.sink(out, "e1", ChainFixture.START).signer(broken).build()) {
      sink.onEvent(ChainFixture.event(1, ChainFixture.START));
      sink.close();
      assertThat(sink.signFailures()).isEqualTo(1);
    }

    ChainReport report = verify(ChainFixture.lines(out));

    assertThat(report.unsignedCheckpoints()).isEqualTo(1);
    assertThat(report.firstProblem().orElseThrow().kind()).isEqualTo(ChainProblem.Kind.UNSIGNED);
    assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("HSM unreachable");
  }

  @Test
  void theBuilderNamesWhatIsWrong() {
    ChainedAuditSink.Builder b = ChainedAuditSink.builder(new ByteArrayOutputStream());
    assertThatThrownBy(() -> b.hmacKey(new byte[8])).hasMessageContaining("hmacKey");
    assertThatThrownBy(() -> b.checkpointEvery(0)).hasMessageContaining("checkpointEvery");
    assertThatThrownBy(() -> b.checkpointInterval(Duration.ZERO))
        .hasMessageContaining("checkpointInterval");
    assertThatThrownBy(() -> b.origin(" ")).hasMessageContaining("origin");
  }

  @Test
  void itsKeysStayOutOfToString() {
    ChainedAuditSink sink = fx.sink(new ByteArrayOutputStream(), "e1", ChainFixture.START).build();
    assertThat(sink.toString()).contains("e1").doesNotContain("7777");
    assertThat(CheckpointSigner.ed25519(fx.keys.getPrivate(), fx.keys.getPublic()).toString())
        .contains(ChainFormat.keyId(fx.keys.getPublic()));
  }

  private static long count(ByteArrayOutputStream out, String kind) {
    return ChainFixture.lines(out).stream()
        .filter(l -> l.contains("\"kind\":\"" + kind + "\""))
        .count();
  }

  private static String fingerprint(String line) {
    int at = line.indexOf("hmac-sha256:");
    return line.substring(at, at + 12 + 32);
  }

  /** Fails the {@code n}th write. */
  private static final class FailingOnce extends OutputStream {
    private final OutputStream out;
    private int writes;
    private final int failAt;

    FailingOnce(OutputStream out, int failAt) {
      this.out = out;
      this.failAt = failAt;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (++writes == failAt) {
        throw new IOException("disk full");
      }
      out.write(b, off, len);
    }
  }
}
