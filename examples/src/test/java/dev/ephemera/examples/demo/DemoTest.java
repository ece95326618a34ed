package dev.ephemera.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the demo headless, as README's first command does, and checks its story. */
class DemoTest {

  @Test
  void demo_runsEveryBackend_throughAnOutage_withNoCallerError(@TempDir Path dir) throws Exception {
    Path auditFile = dir.resolve("audit.jsonl");
    DemoOptions options =
        DemoOptions.parse(
            new String[] {
              "--duration",
              "5h",
              "--speed",
              "1200",
              "--audit-file",
              auditFile.toString(),
              "--no-table"
            },
            false);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DemoSummary summary;
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      summary = DemoMain.runForSummary(options, out);
    }
    String output = bytes.toString(StandardCharsets.UTF_8);
    assertThat(summary.problems()).as(output).isEmpty();
    assertThat(summary.callerErrors()).as(output).isZero();
    assertThat(summary.calls()).isGreaterThan(100);
    assertThat(summary.issued()).isGreaterThan(10);
    assertThat(summary.renewed()).isPositive();
    assertThat(summary.failuresSurvived()).as("the outage was felt upstream").isPositive();
    assertThat(summary.revoked()).isPositive();
    assertThat(summary.ok()).isTrue();
    assertThat(output).contains("Summary").contains("OK");
    List<String> lines = Files.readAllLines(auditFile);
    assertThat(lines)
        .isNotEmpty()
        .allSatisfy(l -> assertThat(l).startsWith("{\"schema\":\"ephemera.audit/v1\""));
  }

  @Test
  void options_areValidated_withClearMessages() {
    assertThat(DemoMain.run(new String[] {"--speed", "fast"}, System.out, nullStream()))
        .isEqualTo(2);
    assertThat(DemoMain.run(new String[] {"--backend", "ibm"}, System.out, nullStream()))
        .isEqualTo(2);
    assertThat(DemoMain.run(new String[] {"--duration", "-5h"}, System.out, nullStream()))
        .isEqualTo(2);
    assertThat(DemoMain.run(new String[] {"--help"}, nullStream(), nullStream())).isZero();
    DemoOptions o = DemoOptions.parse(new String[] {"--backend=aws,vault", "--duration=90m"}, true);
    assertThat(o.backends()).containsExactly("aws", "vault");
    assertThat(o.duration()).hasMinutes(90);
    assertThat(o.table()).isTrue();
  }

  private static PrintStream nullStream() {
    return new PrintStream(java.io.OutputStream.nullOutputStream());
  }
}
