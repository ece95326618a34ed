package dev.ephemera.examples.demo;

import dev.ephemera.core.SourceStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Renders the live status table: one row per source, in columns that never touch. */
final class StatusTable {
  private static final int SOURCE = 22;
  private static final int STATE = 11;
  private static final int CREDENTIAL = 24;
  private static final int EXPIRES = 10;
  private static final int COUNT = 9;

  private StatusTable() {}

  static String render(List<Scenario.Watched> sources, Instant now, String header, int width) {
    StringBuilder sb = new StringBuilder();
    sb.append(Columns.fit(header, width)).append('\n');
    sb.append(
            Columns.fit(
                row(
                    "SOURCE",
                    "STATE",
                    "CREDENTIAL",
                    "EXPIRES IN",
                    "REFRESHES",
                    "FAILURES",
                    "STREAK"),
                width))
        .append('\n');
    for (Scenario.Watched w : sources) {
      SourceStatus s = w.source().status();
      String expiresIn = s.expiresAt() == null ? "-" : human(Duration.between(now, s.expiresAt()));
      sb.append(
              Columns.fit(
                  row(
                      w.label(),
                      s.state().toString(),
                      s.credentialId() == null ? "-" : s.credentialId(),
                      expiresIn,
                      Long.toString(s.issuances()),
                      Long.toString(s.failures()),
                      Integer.toString(s.failureStreak())),
                  width))
          .append('\n');
    }
    return sb.toString();
  }

  private static String row(
      String source,
      String state,
      String credential,
      String expires,
      String refreshes,
      String failures,
      String streak) {
    return Columns.left(source, SOURCE)
        + Columns.GAP
        + Columns.left(state, STATE)
        + Columns.GAP
        + Columns.id(credential, CREDENTIAL)
        + Columns.GAP
        + Columns.right(expires, EXPIRES)
        + Columns.GAP
        + Columns.right(refreshes, COUNT)
        + Columns.GAP
        + Columns.right(failures, COUNT)
        + Columns.GAP
        + Columns.right(streak, 6);
  }

  static String human(Duration d) {
    if (d.isNegative()) {
      return "expired";
    }
    long s = d.toSeconds();
    if (s < 10 && d.toMillis() % 1000 != 0) {
      return String.format(java.util.Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
    }
    if (s >= 86_400) {
      return String.format("%dd%02dh", s / 86_400, (s % 86_400) / 3600);
    }
    if (s >= 3600) {
      return s % 3600 == 0
          ? String.format("%dh", s / 3600)
          : String.format("%dh%02dm", s / 3600, (s % 3600) / 60);
    }
    if (s >= 60) {
      return s % 60 == 0 ? String.format("%dm", s / 60) : String.format("%dm%02ds", s / 60, s % 60);
    }
    return s + "s";
  }
}
