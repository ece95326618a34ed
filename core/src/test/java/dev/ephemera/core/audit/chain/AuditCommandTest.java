package dev.ephemera.core.audit.chain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ephemera.core.internal.AuditCommand;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code ./audit verify}, as a user runs it: exit status, summary, the first problem. */
class AuditCommandTest {
  private final ChainFixture fx = new ChainFixture();

  @SuppressWarnings("NullAway.Init")
  @TempDir
  Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return AuditCommand.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private Path publicKey() throws IOException {
    return Files.writeString(dir.resolve("key.pub"), ChainKeys.toPem(fx.keys.getPublic()));
  }

  private Path hmacKey() throws IOException {
    return Files.writeString(dir.resolve("mac.key"), HexFormat.of().formatHex(fx.hmacKey) + "\n");
  }

  @Test
  void anIntactTrail_exitsZero_withItsSummary() throws IOException {
    Path file = ChainFixture.write(dir, "audit.jsonl", fx.chain("e1", 12));

    int status =
        run(
            "verify",
            file.toString(),
            "--public-key",
            publicKey().toString(),
            "--hmac-key",
            hmacKey().toString());

    assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .startsWith("intact: 16 entries in 1 file, 1 epoch, 12 events, 3 signed checkpoints");
  }

  @ParameterizedTest
  @EnumSource(Tamper.class)
  void everyTampering_exitsOne_andIsNamed(Tamper tamper) throws IOException {
    Path file = ChainFixture.write(dir, "audit.jsonl", tamper.apply(fx, fx.chain("e1", 12)));

    int status = run("verify", file.toString(), "--public-key", publicKey().toString());

    assertThat(status).isEqualTo(1);
    String problems = err.toString(StandardCharsets.UTF_8);
    assertThat(problems).startsWith("first problem: " + file + ":").contains(tamper.caught.name());
    assertThat(problems).contains("NOT intact");
  }

  @Test
  void badUse_exitsTwo_sayingWhatIsWrong() throws IOException {
    assertThat(run()).isEqualTo(2);
    assertThat(run("verify")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("name at least one chain file");
    assertThat(run("verify", dir.resolve("missing.jsonl").toString())).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("no such file");
    Path notAKey = Files.writeString(dir.resolve("bad.pub"), "hello");
    assertThat(run("verify", "x", "--public-key", notAKey.toString())).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("not a PEM PUBLIC KEY");
    assertThat(run("verify", "x", "--frobnicate")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown option --frobnicate");
    assertThat(run("verify", "--help")).isZero();
  }

  @Test
  void aLiveTrail_verifiesWithOpen() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ChainedAuditSink sink = fx.sink(bytes, "e1", ChainFixture.START).build();
    sink.onEvent(ChainFixture.event(1, ChainFixture.START));
    sink.checkpoint();
    Path file = ChainFixture.write(dir, "live.jsonl", ChainFixture.lines(bytes));

    assertThat(run("verify", file.toString())).isEqualTo(1);
    assertThat(run("verify", file.toString(), "--open")).isZero();
    assertThat(List.of(out.toString(StandardCharsets.UTF_8).split("\n")))
        .last()
        .asString()
        .startsWith("intact");
  }
}
