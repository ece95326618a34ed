package dev.ephemera.core.audit.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ephemera.core.internal.AuditCommand;
import dev.ephemera.core.internal.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./audit timeline}, as a user runs it: exit status, output, what is wrong. */
class TimelineCommandTest {
  @SuppressWarnings("NullAway.Init")
  @TempDir
  Path dir;

  @SuppressWarnings("NullAway.Init")
  private String orders;

  @SuppressWarnings("NullAway.Init")
  private String billing;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeEach
  void write() throws IOException {
    orders = Trails.jsonLines(dir.resolve("orders.jsonl"), Trails.orders()).toString();
    billing = Trails.chain(dir.resolve("billing.chain.jsonl"), Trails.billing()).toString();
  }

  private int run(String... args) {
    out.reset();
    err.reset();
    return AuditCommand.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void timeline_printsTheTable_exitsZero() {
    int status = run("timeline", orders, billing);

    assertThat(status).as(err()).isZero();
    assertThat(out())
        .contains("credential ASIA-ORDERS-1  source orders-s3")
        .contains("credential hmac-sha256:")
        .contains("source orders-s3 (events naming no credential)")
        .endsWith("8 events of 4 lives shown; read 8 events from 2 files, 0 lines skipped\n");
    assertThat(err()).isEmpty();
  }

  @Test
  void timeline_aDirectory_withFiltersAndAMoment() {
    int status =
        run(
            "timeline",
            dir.toString(),
            "--principal",
            "system:serviceaccount:shop:orders",
            "--target",
            "arn:aws:iam::111122223333:role/orders",
            "--source",
            "orders-s3",
            "--at",
            "2026-01-01T00:45:00Z");

    assertThat(status).as(err()).isZero();
    assertThat(out())
        .contains("live at 2026-01-01T00:45:00Z: 1 credential\n")
        .contains("\nASIA-ORDERS-1  orders-s3  system:serviceaccount:shop:orders")
        .doesNotContain("hmac-sha256:");
  }

  @Test
  void timeline_json_aCredentialInAWindow() {
    int status =
        run(
            "timeline",
            orders,
            "--credential",
            "ASIA-ORDERS-1",
            "--from",
            "2026-01-01T00:40:00Z",
            "--to",
            "2026-01-01T01:20:00Z",
            "--json");

    assertThat(status).as(err()).isZero();
    Map<String, Object> doc = Json.parseObject(out().strip());
    assertThat(doc.get("query"))
        .isEqualTo(
            Map.of(
                "credentialId", "ASIA-ORDERS-1",
                "from", "2026-01-01T00:40:00Z",
                "to", "2026-01-01T01:20:00Z"));
    List<Object> lives = Trails.list(doc, "lives");
    assertThat(lives).hasSize(1);
    assertThat(Trails.list(lives.get(0), "events"))
        .extracting(e -> Trails.map(e).get("type"))
        .containsExactly("RENEWED", "SECRET_READ");
  }

  @Test
  void badUse_exitsTwo_namingTheProblem() {
    assertThat(run("timeline")).isEqualTo(2);
    assertThat(err()).contains("audit: name at least one audit file or directory", "usage:");

    assertThat(run("timeline", orders, "--frobnicate")).isEqualTo(2);
    assertThat(err()).contains("audit: unknown option --frobnicate");

    assertThat(run("timeline", orders, "--at", "yesterday")).isEqualTo(2);
    assertThat(err())
        .contains(
            "audit: bad time for --at: yesterday (an ISO-8601 instant, e.g. 2026-01-01T03:12:00Z)");

    assertThat(run("timeline", orders, "--from", "2026-01-01")).isEqualTo(2);
    assertThat(err()).contains("bad time for --from: 2026-01-01");

    assertThat(
            run(
                "timeline",
                orders,
                "--at",
                "2026-01-01T00:45:00Z",
                "--from",
                "2026-01-01T00:00:00Z"))
        .isEqualTo(2);
    assertThat(err()).contains("audit: --at cannot be combined with --from or --to");

    assertThat(
            run(
                "timeline",
                orders,
                "--from",
                "2026-01-01T02:00:00Z",
                "--to",
                "2026-01-01T01:00:00Z"))
        .isEqualTo(2);
    assertThat(err()).contains("audit: --from 2026-01-01T02:00:00Z is after --to");

    assertThat(run("timeline", orders, "--credential")).isEqualTo(2);
    assertThat(err()).contains("audit: --credential needs a value");

    assertThat(run("timeline", dir.resolve("missing.jsonl").toString())).isEqualTo(2);
    assertThat(err()).contains("audit: no such file: ");

    assertThat(run("frobnicate")).isEqualTo(2);
    assertThat(err()).contains("audit: unknown command frobnicate", "audit timeline FILE|DIR...");
  }

  @Test
  void help_exitsZero_withTheUsage() {
    assertThat(run("timeline", "--help")).isZero();
    assertThat(out()).contains("audit timeline FILE|DIR... [--credential ID]", "audit verify");
    assertThat(run("--help")).isZero();
    assertThat(out()).contains("audit timeline");
  }
}
