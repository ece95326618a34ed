package dev.ephemera.examples.demo;

import dev.ephemera.core.audit.AuditEvent;
import dev.ephemera.core.audit.AuditListener;
import java.io.PrintStream;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/** The audit stream in one short line per event: to stdout, or kept for the live table. */
final class CompactAudit implements AuditListener {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

  private final PrintStream out;
  private final boolean print;
  private final Deque<String> recent = new ArrayDeque<>();

  CompactAudit(PrintStream out, boolean print) {
    this.out = out;
    this.print = print;
  }

  @Override
  public void onEvent(AuditEvent e) {
    String line = format(e);
    synchronized (recent) {
      recent.addLast(line);
      while (recent.size() > 14) {
        recent.removeFirst();
      }
    }
    if (print) {
      out.println(line);
    }
  }

  List<String> recent() {
    synchronized (recent) {
      return List.copyOf(recent);
    }
  }

  static String format(AuditEvent e) {
    StringBuilder sb =
        new StringBuilder()
            .append(TIME.format(e.time()))
            .append("  ")
            .append(String.format("%-14s", e.type()))
            .append(String.format("%-30s ", DemoMain.shortId(e.source())))
            .append(e.credentialId().map(DemoMain::shortId).orElse("-"));
    e.error()
        .ifPresent(
            err ->
                sb.append("  ")
                    .append(err.terminal() ? "terminal " : "transient ")
                    .append(err.reason())
                    .append(": ")
                    .append(
                        err.message().length() > 70
                            ? err.message().substring(0, 70) + "…"
                            : err.message()));
    if (e.attributes().containsKey("anomaly")) {
      sb.append("  ").append(e.attributes().get("anomaly"));
    }
    if (e.attributes().containsKey("path")) {
      sb.append("  ").append(e.attributes().get("path"));
    }
    return sb.toString();
  }
}
