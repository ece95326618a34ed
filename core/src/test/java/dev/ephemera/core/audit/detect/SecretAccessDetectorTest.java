package dev.ephemera.core.audit.detect;

import static dev.ephemera.core.audit.detect.Events.at;
import static dev.ephemera.core.audit.detect.Events.event;
import static java.time.Duration.ofDays;
import static java.time.Duration.ofMinutes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ephemera.core.audit.AuditEvent;
import dev.ephemera.core.audit.AuditEventType;
import dev.ephemera.core.audit.JsonLinesAuditListener;
import dev.ephemera.core.spi.IssuerInfo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretAccessDetectorTest {

  private static final String SOURCE = "orders:kv";

  private final Events.Recorder out = new Events.Recorder();

  /** A read as the Vault KV reader audits it: the target is namespace, mount and path. */
  private static AuditEvent read(String path, Duration t) {
    return at(AuditEventType.SECRET_READ, SOURCE, t)
        .issuer(IssuerInfo.of("vault-kv", Events.ISSUER.principal(), "secret/" + path))
        .attribute("mount", "secret")
        .attribute("path", path)
        .build();
  }

  private static String jsonLines(AuditEvent... events) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    JsonLinesAuditListener sink = JsonLinesAuditListener.to(bytes);
    for (AuditEvent e : events) {
      sink.onEvent(e);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void onEvent_aSourcesFirstReadOfAPath_isReportedOnce() {
    SecretAccessDetector d = SecretAccessDetector.builder().build(out);

    d.onEvent(read("orders/db", ofMinutes(0)));
    d.onEvent(read("orders/db", ofMinutes(45)));

    assertThat(out.single(SecretAccessDetector.FIRST_SECRET_READ).target())
        .isEqualTo("secret/orders/db");
    assertThat(out.evidence()).isEqualTo("path=secret/orders/db, source=orders:kv");
    assertThat(out.threshold()).isEqualTo("earlierReadsBySource=0");
  }

  @Test
  void onEvent_aReadAfterMoreThanTheDormancy_isReportedAsDormant() {
    SecretAccessDetector d = SecretAccessDetector.builder().build(out);
    d.onEvent(read("orders/db", ofMinutes(0)));
    out.events.clear();

    d.onEvent(read("orders/db", ofDays(91)));

    out.single(SecretAccessDetector.DORMANT_SECRET_READ);
    assertThat(out.evidence())
        .isEqualTo("path=secret/orders/db, lastRead=2030-01-01T00:00:00Z, dormantFor=PT2184H");
    assertThat(out.threshold()).isEqualTo("dormancy=PT2160H");
  }

  @Test
  void onEvent_readsEvery45MinutesForADayOfKnownPaths_reportNothing() {
    SecretAccessDetector d = SecretAccessDetector.builder().build(out);
    d.onEvent(read("orders/db", Duration.ZERO));
    d.onEvent(read("orders/api-key", Duration.ZERO));
    out.events.clear();

    for (Duration t = Duration.ZERO; t.compareTo(Duration.ofDays(1)) < 0; t = t.plusMinutes(45)) {
      d.onEvent(read("orders/db", t));
      d.onEvent(read("orders/api-key", t.plusSeconds(5)));
      d.onEvent(event(AuditEventType.RENEWED, "orders", t)); // not a read
    }

    assertThat(out.events).isEmpty();
  }

  @Test
  void loadBaseline_recordsEarlierReads_skipsAndCountsBadLines() throws IOException {
    SecretAccessDetector d = SecretAccessDetector.builder().maxLineChars(4096).build(out);
    String recent =
        jsonLines(read("orders/db", ofDays(-10)), event(AuditEventType.ISSUED, "x", ofDays(-10)));
    String chained =
        "{\"seq\":7,\"prev\":\"ab12\",\"event\":"
            + read("orders/old", ofDays(-200)).toJson()
            + "}\n";
    String lines =
        recent
            + "{\"type\":\"SECRET_READ\",\"time\":\"not a time\",\"target\":\"secret/x\"\n"
            + "\n"
            + chained
            + "{\"type\":\"SECRET_READ\",\"target\":\""
            + "a".repeat(10_000)
            + "\"}\n"
            + "[1,2,3]";

    SecretAccessDetector.Loaded loaded = d.loadBaseline(new StringReader(lines));

    assertThat(loaded).isEqualTo(new SecretAccessDetector.Loaded(2, 3));
    assertThat(out.events).isEmpty();
    d.onEvent(read("orders/db", Duration.ZERO)); // read 10 days ago: nothing to say
    d.onEvent(read("orders/old", Duration.ZERO)); // read 200 days ago: dormant
    out.single(SecretAccessDetector.DORMANT_SECRET_READ);
    assertThat(out.evidence()).contains("path=secret/orders/old", "dormantFor=PT4800H");
  }

  @Test
  void loadBaseline_fromAFile(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("audit.jsonl");
    Files.writeString(file, jsonLines(read("orders/db", ofDays(-1))) + "\u0000garbage\n");
    SecretAccessDetector d = SecretAccessDetector.builder().build(out);

    assertThat(d.loadBaseline(file)).isEqualTo(new SecretAccessDetector.Loaded(1, 1));
    d.onEvent(read("orders/db", Duration.ZERO));
    assertThat(out.events).isEmpty();
  }

  @Test
  void onEvent_trackingMorePathsThanTheCap_evictsTheLeastRecentlyRead() {
    SecretAccessDetector d = SecretAccessDetector.builder().maxTracked(100).build(out);

    for (int i = 0; i < 1_000; i++) {
      d.onEvent(read("p" + i, ofMinutes(i)));
    }

    assertThat(d.tracked()).isEqualTo(100);
    assertThat(out.events).hasSize(1_000);
  }

  @Test
  @SuppressWarnings("NullAway") // passes null on purpose
  void builder_rejectsBadSettingsNamingThem() {
    SecretAccessDetector.Builder b = SecretAccessDetector.builder();

    assertThatThrownBy(() -> b.dormancy(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("dormancy must be positive: PT0S");
    assertThatThrownBy(() -> b.dormancy(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("dormancy");
    assertThatThrownBy(() -> b.maxLineChars(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxLineChars must be at least 1: 0");
    assertThatThrownBy(() -> b.maxTracked(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxTracked must be at least 1: 0");
  }
}
