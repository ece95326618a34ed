package dev.ephemera.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ephemera.core.audit.chain.ChainFormat;
import dev.ephemera.core.audit.chain.ChainKeys;
import dev.ephemera.core.audit.chain.ChainReport;
import dev.ephemera.core.audit.chain.ChainVerifier;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** Runs the demo headless, as README's first command does, and checks the story it tells. */
class DemoTest {
  private static final Pattern TIME = Pattern.compile("\"time\":\"([^\"]+)\"");
  private static final Pattern LATENCY = Pattern.compile("\"latencyMs\":(\\d+)");
  private static final Pattern SOURCE = Pattern.compile("\"source\":\"([^\"]+)\"");
  private static final Pattern PROVIDER = Pattern.compile("\"provider\":\"([^\"]+)\"");

  /**
   * The shortest duration the issue found broken (2h: no lease rotation reached the pool), at a
   * speed that takes about 15 s: every backend fails only during the outage, no caller notices, and
   * the picture has a row per source.
   */
  @Test
  void demo_failsRefreshesOfEveryBackendOnlyDuringTheOutage_noCallerNotices_andDrawsIt(
      @TempDir Path dir) throws Exception {
    Path auditFile = dir.resolve("audit.jsonl");
    Path svg = dir.resolve("timeline.svg");
    DemoOptions options =
        DemoOptions.parse(
            new String[] {
              "--duration",
              "2h",
              "--speed",
              "480",
              "--audit-file",
              auditFile.toString(),
              "--timeline",
              svg.toString(),
              "--no-table"
            },
            false);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DemoSummary summary;
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      summary = DemoMain.runForSummary(options, out);
    }
    String output = bytes.toString(StandardCharsets.UTF_8);

    // the whole story, with no caller error
    assertThat(summary.problems()).as(output).isEmpty();
    assertThat(summary.callerErrors()).as(output).isZero();
    assertThat(summary.calls()).isGreaterThan(100);
    assertThat(summary.issued()).isGreaterThan(10);
    assertThat(summary.renewed()).isPositive();
    assertThat(summary.rotations()).as("rotations told to subscribers").isPositive();
    assertThat(summary.revoked()).isPositive();
    assertThat(summary.ok()).isTrue();

    // the outage took every backend down and each one felt it; nothing failed outside it
    assertThat(summary.outageBackends())
        .as(output)
        .containsExactlyInAnyOrder(DemoOptions.ALL.toArray(String[]::new));
    assertThat(summary.spared()).isEmpty();
    assertThat(summary.outageFailures())
        .as(output)
        .allSatisfy((b, n) -> assertThat(n).as(b).isPositive());
    assertThat(summary.otherFailures()).as(output).isZero();
    assertThat(output)
        .contains("OUTAGE BEGINS", "OUTAGE ENDS", "RECOVERED")
        .contains("transient UNAVAILABLE, retry in")
        .doesNotContain("TIMEOUT")
        .contains("Summary", "story              complete", "OK");

    // the audit trail is a signed chain that verifies, and the demo says how to verify it
    List<String> entries = Files.readAllLines(auditFile);
    assertThat(entries)
        .isNotEmpty()
        .allSatisfy(l -> assertThat(l).startsWith("{\"v\":\"" + ChainFormat.VERSION + "\""));
    ChainReport report =
        ChainVerifier.builder()
            .publicKey(ChainKeys.publicKeyFromPem(Files.readString(Demo.publicKeyFile(auditFile))))
            .build()
            .verify(List.of(auditFile));
    assertThat(report.problems()).as(report.summary()).isEmpty();
    assertThat(report.checkpoints()).isPositive();
    assertThat(output).contains("./audit verify " + auditFile + " --public-key " + auditFile);

    // the audit stream agrees, read on its own: every failed attempt lies in the outage window
    List<String> lines =
        entries.stream()
            .filter(l -> l.contains("\"kind\":\"EVENT\""))
            .map(l -> l.substring(l.indexOf("\"event\":") + "\"event\":".length()))
            .toList();
    assertThat(report.events()).isEqualTo(lines.size());
    assertThat(lines)
        .isNotEmpty()
        .allSatisfy(l -> assertThat(l).startsWith("{\"schema\":\"ephemera.audit/v1\""));
    Instant from = summary.outageFrom();
    Instant until = summary.outageUntil();
    Set<String> failedProviders = new HashSet<>();
    for (String l : lines) {
      if (!l.contains("\"type\":\"REFRESH_FAILED\"")) {
        continue;
      }
      Instant at = Instant.parse(group(TIME, l));
      Instant attempt = at.minusMillis(Long.parseLong(group(LATENCY, l)));
      assertThat(at).as(l).isAfterOrEqualTo(from);
      assertThat(attempt).as(l).isBefore(until);
      failedProviders.add(group(PROVIDER, l).replaceAll("-.*", ""));
    }
    assertThat(failedProviders).containsExactlyInAnyOrder("aws", "gcp", "azure", "vault");

    // event lines: the columns never touch ("REFRESH_FAILEDgcp-..." was the bug)
    List<String> eventLines =
        output.lines().filter(l -> l.matches("^\\d\\d:\\d\\d:\\d\\d  .*")).toList();
    assertThat(eventLines).hasSizeGreaterThan(20);
    assertThat(eventLines)
        .allSatisfy(l -> assertThat(l).matches("^\\d\\d:\\d\\d:\\d\\d  [A-Z_ ]{14}  \\S.*"));
    assertThat(output).doesNotContain("REFRESH_FAILEDgcp", "REFRESH_FAILEDvault");

    // the picture: well-formed SVG, one row per source, the outage band, failures in it
    Document doc = parse(svg);
    Element root = doc.getDocumentElement();
    assertThat(root.getLocalName()).isEqualTo("svg");
    assertThat(root.getNamespaceURI()).isEqualTo("http://www.w3.org/2000/svg");
    List<Element> rows = byClass(doc, "g", "row");
    Set<String> sourcesInStream = new HashSet<>();
    for (String l : lines) {
      if (l.contains("\"type\":\"ISSUED\"")) {
        sourcesInStream.add(group(SOURCE, l));
      }
    }
    assertThat(rows).hasSize(9);
    assertThat(rows.stream().map(r -> r.getAttribute("data-source")).distinct()).hasSize(9);
    assertThat(sourcesInStream)
        .containsAll(rows.stream().map(r -> r.getAttribute("data-source")).toList());
    assertThat(rows)
        .allSatisfy(
            r ->
                assertThat(byClass(r, "rect", "credential"))
                    .as(r.getAttribute("data-source"))
                    .isNotEmpty());
    assertThat(byClass(doc, "rect", "outage")).hasSize(1);
    assertThat(byClass(doc, "path", "failure")).hasSize((int) summary.outageFailureCount());
    assertThat(byClass(doc, "path", "revocation")).isNotEmpty();
    assertThat(byClass(doc, "path", "rotation")).hasSize((int) summary.rotations());
    assertThat(byClass(doc, "line", "renewal")).isNotEmpty();
    String text = Files.readString(svg);
    assertThat(text).doesNotContain("demo-api-key-value").doesNotContain("secretAccessKey");
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
    DemoOptions o =
        DemoOptions.parse(
            new String[] {"--backend=aws,vault", "--duration=90m", "--timeline=t.svg"}, true);
    assertThat(o.backends()).containsExactly("aws", "vault");
    assertThat(o.duration()).hasMinutes(90);
    assertThat(o.timeline()).isEqualTo(Path.of("t.svg"));
    assertThat(o.table()).isTrue();
  }

  @Test
  void duration_tooShortForTheStory_isRefusedUpFront_namingTheShortest() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertThat(
            DemoMain.run(
                new String[] {"--duration", "1h"},
                nullStream(),
                new PrintStream(err, true, StandardCharsets.UTF_8)))
        .isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("the shortest is 90m");
    assertThat(DemoOptions.parse(new String[] {"--duration", "90m"}, false).lifetimes().unit())
        .isEqualTo(Duration.ofMinutes(15));
    assertThat(DemoOptions.parse(new String[] {"--duration", "2h"}, false).lifetimes().unit())
        .isEqualTo(Duration.ofMinutes(20));
    assertThat(DemoOptions.parse(new String[] {"--duration", "7d"}, false).lifetimes().unit())
        .isEqualTo(Duration.ofHours(1));
  }

  @Test
  void speed_tooFastForTheLifetimes_isRefused_namingTheFastest() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertThat(
            DemoMain.run(
                new String[] {"--duration", "90m", "--speed", "5000"},
                nullStream(),
                new PrintStream(err, true, StandardCharsets.UTF_8)))
        .isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("at most --speed 450");
    assertThat(DemoOptions.parse(new String[] {"--speed", "1800"}, false).speed()).isEqualTo(1800);
    assertThat(DemoMain.run(new String[] {"--speed", "1801"}, nullStream(), nullStream()))
        .isEqualTo(2);
  }

  @Test
  void columns_cutLongNamesWithAnEllipsis_andNeverTouch() {
    assertThat(Columns.left("aws-irsa-reports(ro)-and-much-more", 12)).isEqualTo("aws-irsa-re…");
    assertThat(Columns.left("gcp", 6)).isEqualTo("gcp   ");
    assertThat(Columns.right("42", 5)).isEqualTo("   42");
    assertThat(Columns.fit("0123456789", 5)).isEqualTo("0123…");
    assertThat(Columns.fit("0123456789", 0)).isEqualTo("0123456789");
    assertThat(Columns.id("database/creds/payments/Ab12Cd34Ef56", 16))
        .isEqualTo("database…d34Ef56");
    String wrapped = Columns.wrap("  outage   11:00-12:00, took down aws, gcp, azure", 24, 4);
    assertThat(wrapped.lines())
        .hasSizeGreaterThan(1)
        .allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(24));
    assertThat(wrapped).startsWith("  outage   11:00-12:00,").contains("\n    ");
    for (int width : new int[] {20, 40, 60, 80, 200}) {
      String table =
          StatusTable.render(List.of(), Instant.EPOCH, "Ephemera demo, a long header line", width);
      assertThat(table.lines()).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(width));
    }
  }

  private static String group(Pattern p, String line) {
    Matcher m = p.matcher(line);
    assertThat(m.find()).as(p + " in " + line).isTrue();
    return m.group(1);
  }

  private static Document parse(Path svg) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return f.newDocumentBuilder().parse(svg.toFile());
  }

  private static List<Element> byClass(Document doc, String tag, String cls) {
    return byClass(doc.getDocumentElement(), tag, cls);
  }

  private static List<Element> byClass(Element in, String tag, String cls) {
    NodeList nodes = in.getElementsByTagNameNS("http://www.w3.org/2000/svg", tag);
    List<Element> out = new ArrayList<>();
    for (int i = 0; i < nodes.getLength(); i++) {
      Element e = (Element) nodes.item(i);
      if (cls.equals(e.getAttribute("class"))) {
        out.add(e);
      }
    }
    return out;
  }

  private static PrintStream nullStream() {
    return new PrintStream(java.io.OutputStream.nullOutputStream());
  }
}
