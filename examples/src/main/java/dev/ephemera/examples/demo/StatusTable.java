package dev.ephemera.examples.demo;

import dev.ephemera.core.SourceStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Renders the live status table: one row per source. */
final class StatusTable {
  private StatusTable() {}

  static String render(List<Scenario.Watched> sources, Instant now, String header) {
    StringBuilder sb = new StringBuilder();
    sb.append(header).append('\n');
    sb.append(
        String.format(
            "%-24s %-11s %-26s %10s %9s %8s %7s%n",
            "SOURCE", "STATE", "CREDENTIAL", "EXPIRES IN", "REFRESHES", "FAILURES", "STREAK"));
    for (Scenario.Watched w : sources) {
      SourceStatus s = w.source().status();
      String expiresIn = s.expiresAt() == null ? "-" : human(Duration.between(now, s.expiresAt()));
      sb.append(
          String.format(
              "%-24s %-11s %-26s %10s %9d %8d %7d%n",
              w.label(),
              s.state(),
              s.credentialId() == null ? "-" : DemoMain.shortId(s.credentialId()),
              expiresIn,
              s.issuances(),
              s.failures(),
              s.failureStreak()));
    }
    return sb.toString();
  }

  static String human(Duration d) {
    if (d.isNegative()) {
      return "expired";
    }
    long s = d.toSeconds();
    return s >= 3600
        ? String.format("%dh%02dm", s / 3600, (s % 3600) / 60)
        : String.format("%dm%02ds", s / 60, s % 60);
  }
}
