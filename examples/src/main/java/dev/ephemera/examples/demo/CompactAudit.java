package dev.ephemera.examples.demo;

import dev.ephemera.core.audit.AuditEvent;
import dev.ephemera.core.audit.AuditListener;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

/**
 * The audit stream in one short line per event, in fixed columns (time, event, source, credential,
 * detail): to stdout, or kept for the live table. The demo's own notes (the outage, the recovery)
 * come in the same columns.
 */
final class CompactAudit implements AuditListener {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
  static final int EVENT = 14;
  static final int SOURCE = 22;
  static final int CREDENTIAL = 24;
  private static final int DETAIL = 110;

  private final PrintStream out;
  private final boolean print;
  private final IntSupplier width;
  private final Deque<String> recent = new ArrayDeque<>();
  private final Map<String, String> labels = new ConcurrentHashMap<>();
  private final List<AuditEvent> held = new ArrayList<>();
  private boolean holding = true;

  CompactAudit(PrintStream out, boolean print, IntSupplier width) {
    this.out = out;
    this.print = print;
    this.width = width;
  }

  @Override
  public void onEvent(AuditEvent e) {
    synchronized (recent) {
      if (holding) {
        held.add(e); // until every source is known by its label
        return;
      }
    }
    add(format(e, labels));
  }

  /** Shows {@code source} (its name in the audit stream) as {@code label}, as the table does. */
  void label(String source, String label) {
    labels.put(source, label);
  }

  /** Prints what was held while the pods started, with the labels now known, and stops holding. */
  void release() {
    synchronized (recent) {
      holding = false;
      held.forEach(e -> add(format(e, labels)));
      held.clear();
    }
  }

  /** A line of the demo's own, e.g. {@code note(now, "OUTAGE", "every endpoint answers 503")}. */
  void note(Instant time, String what, String text) {
    add(line(time, what, text, "", ""));
  }

  private void add(String line) {
    synchronized (recent) {
      recent.addLast(line);
      while (recent.size() > 14) {
        recent.removeFirst();
      }
      if (print) {
        out.println(Columns.fit(line, width.getAsInt()));
      }
    }
  }

  List<String> recent() {
    synchronized (recent) {
      return List.copyOf(recent);
    }
  }

  /** The header line of the columns. */
  static String header() {
    return Columns.left("TIME", 8)
        + Columns.GAP
        + Columns.left("EVENT", EVENT)
        + Columns.GAP
        + Columns.left("SOURCE", SOURCE)
        + Columns.GAP
        + Columns.left("CREDENTIAL", CREDENTIAL)
        + Columns.GAP
        + "DETAIL";
  }

  static String format(AuditEvent e) {
    return format(e, Map.of());
  }

  static String format(AuditEvent e, Map<String, String> labels) {
    StringBuilder detail = new StringBuilder();
    e.error()
        .ifPresent(
            err -> {
              detail.append(err.terminal() ? "terminal " : "transient ").append(err.reason());
              String retry = e.attributes().get("retryInMs");
              if (retry != null) {
                detail
                    .append(", retry in ")
                    .append(StatusTable.human(Duration.ofMillis(Long.parseLong(retry))));
              }
              detail.append(": ").append(err.message());
            });
    if (e.attributes().containsKey("anomaly")) {
      detail.append(e.attributes().get("anomaly"));
    }
    if (e.attributes().containsKey("path")) {
      detail.append(e.attributes().get("path"));
    }
    return line(
        e.time(),
        e.type().toString(),
        labels.getOrDefault(e.source(), e.source()),
        e.credentialId().orElse("-"),
        Columns.cut(detail.toString(), DETAIL));
  }

  private static String line(
      Instant time, String what, String source, String credential, String detail) {
    return TIME.format(time)
        + Columns.GAP
        + Columns.left(what, EVENT)
        + Columns.GAP
        + (credential.isEmpty() && detail.isEmpty()
            ? source // a note: its text runs on
            : Columns.left(source, SOURCE)
                + Columns.GAP
                + Columns.id(credential, CREDENTIAL)
                + Columns.GAP
                + detail);
  }
}
