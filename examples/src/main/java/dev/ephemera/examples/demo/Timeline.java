package dev.ephemera.examples.demo;

import dev.ephemera.core.audit.AuditEvent;
import dev.ephemera.core.audit.AuditOutcome;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The run as a picture: plain SVG, one row per source. Each credential is a bar from its issuance
 * to the end of its service (solid while the source served it, pale while it was still valid
 * upstream but superseded), on two alternating lanes so overlaps show. Marks: renewals, failed
 * attempts, revocations, the moments subscribers were told of a rotation; the outage is a band
 * across every row. It holds ids and times only, never a secret.
 */
final class Timeline {
  /** A row: the label on screen, the source's name in the audit stream, its backend. */
  record Row(String label, String source, @Nullable String backend) {}

  /** A subscriber was told of a new credential. */
  record Rotation(String source, Instant at, String credentialId) {}

  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);
  private static final Duration MARGIN = Duration.ofSeconds(60); // the engine's expiry margin

  static final int WIDTH = 1200;
  private static final int LEFT = 200;
  private static final int RIGHT = 30;
  private static final int TOP = 78;
  private static final int ROW = 46;
  private static final int LANE = 14;

  private static final String SERVED = "#3b7dd8";
  private static final String SUPERSEDED = "#b9d0f0";
  private static final String RENEWAL = "#0b2e5c";
  private static final String FAILURE = "#d62728";
  private static final String REVOKED = "#222222";
  private static final String ROTATION = "#8e44ad";
  private static final String OUTAGE = "#f8d7d4";

  private final List<Row> rows;
  private final List<AuditEvent> events;
  private final List<Rotation> rotations;
  private final OutagePlan outage;
  private final Instant from;
  private final Instant until;
  private final DemoOptions options;

  Timeline(
      List<Row> rows,
      List<AuditEvent> events,
      List<Rotation> rotations,
      OutagePlan outage,
      Instant from,
      Instant until,
      DemoOptions options) {
    this.rows = List.copyOf(rows);
    this.events = List.copyOf(events);
    this.rotations = List.copyOf(rotations);
    this.outage = outage;
    this.from = from;
    this.until = until.isAfter(from) ? until : from.plusSeconds(1);
    this.options = options;
  }

  /** One credential's life in one source. */
  private static final class Life {
    final String id;
    final Instant issued;
    @Nullable Instant expiresAt;
    @Nullable Instant superseded;
    @Nullable Instant revoked;
    @Nullable Instant closed;
    final int lane;

    Life(String id, Instant issued, @Nullable Instant expiresAt, int lane) {
      this.id = id;
      this.issued = issued;
      this.expiresAt = expiresAt;
      this.lane = lane;
    }

    /** When the source stopped serving it. */
    Instant servedUntil(Instant runEnd) {
      Instant end = endOfService(runEnd);
      if (superseded != null && superseded.isBefore(end)) {
        end = superseded;
      }
      if (closed != null && closed.isBefore(end)) {
        end = closed;
      }
      return end;
    }

    /** Expiry less the engine's margin (at most half the lifetime), or revocation if sooner. */
    Instant endOfService(Instant runEnd) {
      Instant end = runEnd;
      if (expiresAt != null) {
        Duration life = Duration.between(issued, expiresAt);
        Duration margin = MARGIN.compareTo(life.dividedBy(2)) < 0 ? MARGIN : life.dividedBy(2);
        end = expiresAt.minus(margin);
      }
      if (revoked != null && revoked.isBefore(end)) {
        end = revoked;
      }
      return end;
    }
  }

  String svg() {
    int height = TOP + rows.size() * ROW + 110;
    StringBuilder s = new StringBuilder();
    s.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    s.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0"
                + " %d %d\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\""
                + " font-size=\"12\">%n",
            WIDTH,
            height,
            WIDTH,
            height));
    s.append("<title>Ephemera demo timeline</title>\n");
    s.append(String.format("<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>%n", WIDTH, height));
    text(
        s,
        LEFT,
        24,
        "Ephemera demo: "
            + StatusTable.human(options.duration())
            + " of credential life from "
            + CLOCK.format(from)
            + ", backends "
            + String.join(", ", options.backends()),
        "font-size=\"15\" font-weight=\"bold\"");
    text(
        s,
        LEFT,
        44,
        "credentials live "
            + StatusTable.human(options.lifetimes().unit())
            + "; refresh at 2/3 of the lifetime ± 10 %; every bar is one credential id",
        "fill=\"#555555\"");
    int plotBottom = TOP + rows.size() * ROW;
    // the outage band, under everything
    if (outage.happens()) {
      double x1 = x(outage.from());
      double x2 = x(outage.until());
      s.append(
          String.format(
              Locale.ROOT,
              "<rect class=\"outage\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\""
                  + " fill=\"%s\"/>%n",
              x1,
              TOP - 8,
              Math.max(1, x2 - x1),
              rows.size() * ROW + 8,
              OUTAGE));
      text(
          s,
          x1 + 3,
          TOP - 12,
          "outage "
              + hm(outage.from())
              + "-"
              + hm(outage.until())
              + ": "
              + String.join(", ", outage.down())
              + " answer 503",
          "fill=\"" + FAILURE + "\" font-size=\"11\"");
    }
    axis(s, plotBottom);
    for (int i = 0; i < rows.size(); i++) {
      row(s, rows.get(i), TOP + i * ROW);
    }
    legend(s, plotBottom + 40);
    s.append("</svg>\n");
    return s.toString();
  }

  private void row(StringBuilder s, Row row, int y) {
    if ((rows.indexOf(row) & 1) == 1) {
      s.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"0\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#000000\""
                  + " fill-opacity=\"0.035\"/>%n",
              y,
              WIDTH,
              ROW));
    }
    s.append(String.format("<g class=\"row\" data-source=\"%s\">%n", esc(row.source())));
    text(s, 10, y + 20, Columns.cut(row.label(), 26), "font-weight=\"bold\"");
    if (row.backend() != null) {
      text(s, 10, y + 35, row.backend(), "fill=\"#777777\" font-size=\"10\"");
    }
    Map<String, Life> lives = new LinkedHashMap<>();
    List<Instant> renewals = new ArrayList<>();
    List<Instant> refreshes = new ArrayList<>();
    List<Instant> failures = new ArrayList<>();
    List<Life> revokedLives = new ArrayList<>();
    Life current = null;
    for (AuditEvent e : events) {
      if (!e.source().equals(row.source())) {
        continue;
      }
      String id = e.credentialId().orElse(null);
      switch (e.type()) {
        case ISSUED -> {
          if (id == null) {
            continue;
          }
          Life life = lives.get(id);
          if (life == null) {
            life = new Life(id, e.time(), e.expiresAt().orElse(null), lives.size() % 2);
            lives.put(id, life);
          }
          if (current != null && current != life && current.superseded == null) {
            current.superseded = e.time();
            refreshes.add(e.time());
          }
          current = life;
        }
        case RENEWED -> {
          renewals.add(e.time());
          if (id != null && lives.containsKey(id)) {
            lives.get(id).expiresAt = e.expiresAt().orElse(lives.get(id).expiresAt);
          }
        }
        case REFRESH_FAILED -> failures.add(e.time());
        case REVOKED -> {
          if (id != null && lives.containsKey(id) && e.outcome() == AuditOutcome.SUCCESS) {
            lives.get(id).revoked = e.time();
            revokedLives.add(lives.get(id));
          }
        }
        case CLOSED -> {
          for (Life l : lives.values()) {
            if (l.closed == null) {
              l.closed = e.time();
            }
          }
        }
        default -> {}
      }
    }
    for (Life l : lives.values()) {
      int ly = laneY(y, l.lane);
      Instant served = l.servedUntil(until);
      Instant end = l.endOfService(until);
      double x1 = x(l.issued);
      double x2 = x(served);
      double x3 = x(end);
      String tip =
          l.id
              + ": issued "
              + hm(l.issued)
              + ", served until "
              + hm(served)
              + (l.revoked != null ? ", revoked " + hm(l.revoked) : "");
      if (x3 > x2 + 0.5) {
        s.append(
            String.format(
                Locale.ROOT,
                "<rect class=\"superseded\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\""
                    + " fill=\"%s\"><title>%s</title></rect>%n",
                x2,
                ly,
                x3 - x2,
                LANE,
                SUPERSEDED,
                esc(tip + " (still valid upstream until " + hm(end) + ")")));
      }
      s.append(
          String.format(
              Locale.ROOT,
              "<rect class=\"credential\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\""
                  + " fill=\"%s\" rx=\"2\"><title>%s</title></rect>%n",
              x1,
              ly,
              Math.max(1.5, x2 - x1),
              LANE,
              SERVED,
              esc(tip)));
      if (x2 - x1 > 90) {
        text(
            s,
            x1 + 4,
            ly + 11,
            Columns.cut(l.id, (int) ((x2 - x1 - 8) / 6.2)),
            "fill=\"#ffffff\" font-size=\"9.5\" font-family=\"DejaVu Sans Mono, monospace\"");
      }
    }
    for (Instant t : refreshes) {
      double x = x(t);
      s.append(
          String.format(
              Locale.ROOT,
              "<line class=\"refresh\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\""
                  + " stroke-width=\"1\" stroke-dasharray=\"2 2\"><title>refreshed: new credential"
                  + " %s</title></line>%n",
              x,
              laneY(y, 0) - 2,
              x,
              laneY(y, 1) + LANE + 2,
              RENEWAL,
              hm(t)));
    }
    for (Instant t : renewals) {
      double x = x(t);
      Life l = at(lives, t);
      int ly = l == null ? laneY(y, 0) : laneY(y, l.lane);
      s.append(
          String.format(
              Locale.ROOT,
              "<line class=\"renewal\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\""
                  + " stroke-width=\"2\"><title>renewed %s</title></line>%n",
              x,
              ly - 3,
              x,
              ly + LANE + 3,
              RENEWAL,
              hm(t)));
    }
    for (Life l : revokedLives) {
      Instant t = l.revoked;
      if (t == null) {
        continue;
      }
      double x = x(t);
      int ly = laneY(y, l.lane);
      s.append(
          String.format(
              Locale.ROOT,
              "<path class=\"revocation\" d=\"M%.1f %d v%d m-4 0 h8\" stroke=\"%s\""
                  + " stroke-width=\"2\" fill=\"none\"><title>revoked %s %s</title></path>%n",
              x,
              ly - 2,
              LANE + 4,
              REVOKED,
              esc(l.id),
              hm(t)));
    }
    for (Instant t : failures) {
      double x = x(t);
      int cy = y + 4;
      s.append(
          String.format(
              Locale.ROOT,
              "<path class=\"failure\" d=\"M%.1f %d l6 6 m0 -6 l-6 6\" stroke=\"%s\""
                  + " stroke-width=\"1.8\"><title>refresh failed %s</title></path>%n",
              x - 3,
              cy - 3,
              FAILURE,
              hm(t)));
    }
    for (Rotation r : rotations) {
      if (!r.source().equals(row.source())) {
        continue;
      }
      double x = x(r.at());
      int by = y + ROW - 5;
      s.append(
          String.format(
              Locale.ROOT,
              "<path class=\"rotation\" d=\"M%.1f %d l4 -6 l4 6 z\" fill=\"%s\"><title>%s"
                  + " rotated to %s at %s</title></path>%n",
              x - 4,
              by,
              ROTATION,
              esc(row.label()),
              esc(r.credentialId()),
              hm(r.at())));
    }
    s.append("</g>\n");
  }

  private static @Nullable Life at(Map<String, Life> lives, Instant t) {
    Life found = null;
    for (Life l : lives.values()) {
      if (!l.issued.isAfter(t)) {
        found = l;
      }
    }
    return found;
  }

  private static int laneY(int rowY, int lane) {
    return rowY + 8 + lane * (LANE + 4);
  }

  private void axis(StringBuilder s, int bottom) {
    Duration span = Duration.between(from, until);
    Duration step = step(span);
    s.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888888\"/>%n",
            LEFT,
            bottom,
            WIDTH - RIGHT,
            bottom));
    for (Duration t = Duration.ZERO; t.compareTo(span) <= 0; t = t.plus(step)) {
      double x = x(from.plus(t));
      s.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#dddddd\"/>%n",
              x,
              TOP - 8,
              x,
              bottom + 5));
      text(s, x - 12, bottom + 18, elapsed(t), "fill=\"#555555\" font-size=\"11\"");
    }
    text(
        s,
        LEFT,
        bottom + 32,
        "time since the pods became ready (h:mm, scaled time)",
        "fill=\"#777777\" font-size=\"10\"");
  }

  private void legend(StringBuilder s, int y) {
    int x = 20;
    s.append(
        String.format(
            Locale.ROOT,
            "<rect x=\"%d\" y=\"%d\" width=\"26\" height=\"%d\" fill=\"%s\" rx=\"2\"/>%n",
            x,
            y,
            LANE,
            SERVED));
    text(s, x + 32, y + 11, "credential, served", "");
    x += 145;
    s.append(
        String.format(
            Locale.ROOT,
            "<rect x=\"%d\" y=\"%d\" width=\"26\" height=\"%d\" fill=\"%s\"/>%n",
            x,
            y,
            LANE,
            SUPERSEDED));
    text(s, x + 32, y + 11, "superseded, still valid upstream", "");
    x += 240;
    s.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"/>%n",
            x + 4,
            y - 3,
            x + 4,
            y + LANE + 3,
            RENEWAL));
    text(s, x + 14, y + 11, "renewal", "");
    x += 80;
    s.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"1\""
                + " stroke-dasharray=\"2 2\"/>%n",
            x + 4,
            y - 3,
            x + 4,
            y + LANE + 3,
            RENEWAL));
    text(s, x + 14, y + 11, "refresh (new id)", "");
    x += 120;
    s.append(
        String.format(
            Locale.ROOT,
            "<path d=\"M%d %d l6 6 m0 -6 l-6 6\" stroke=\"%s\" stroke-width=\"1.8\"/>%n",
            x,
            y + 4,
            FAILURE));
    text(s, x + 14, y + 11, "failed attempt", "");
    x += 108;
    s.append(
        String.format(
            Locale.ROOT,
            "<path d=\"M%d %d v%d m-4 0 h8\" stroke=\"%s\" stroke-width=\"2\" fill=\"none\"/>%n",
            x + 4,
            y - 2,
            LANE + 4,
            REVOKED));
    text(s, x + 14, y + 11, "revoked", "");
    x += 72;
    s.append(
        String.format(
            Locale.ROOT, "<path d=\"M%d %d l4 -6 l4 6 z\" fill=\"%s\"/>%n", x, y + 12, ROTATION));
    text(s, x + 14, y + 11, "rotation seen by subscribers", "");
    int y2 = y + 26;
    s.append(
        String.format(
            Locale.ROOT,
            "<rect x=\"%d\" y=\"%d\" width=\"26\" height=\"%d\" fill=\"%s\"/>%n",
            20,
            y2,
            LANE,
            OUTAGE));
    text(s, 52, y2 + 11, "upstream outage: every endpoint of the backends named answers 503", "");
    text(
        s,
        520,
        y2 + 11,
        "a credential is served until 60 s before its expiry (the engine's margin)",
        "fill=\"#777777\"");
  }

  private static Duration step(Duration span) {
    long[] minutes = {5, 10, 15, 30, 60, 120, 180, 360, 720, 1440};
    for (long m : minutes) {
      if (span.toMinutes() / m <= 12) {
        return Duration.ofMinutes(m);
      }
    }
    return Duration.ofDays(1);
  }

  private static String elapsed(Duration d) {
    long m = d.toMinutes();
    return String.format(Locale.ROOT, "%d:%02d", m / 60, m % 60);
  }

  private String hm(Instant t) {
    Duration d = Duration.between(from, t);
    long secs = d.getSeconds();
    String sign = secs < 0 ? "-" : "";
    secs = Math.abs(secs);
    return String.format(
        Locale.ROOT, "%s%d:%02d:%02d", sign, secs / 3600, (secs % 3600) / 60, secs % 60);
  }

  private double x(Instant t) {
    double span = Duration.between(from, until).toMillis();
    double at = Duration.between(from, t).toMillis();
    double f = Math.max(0, Math.min(1, at / span));
    return LEFT + f * (WIDTH - LEFT - RIGHT);
  }

  private static void text(StringBuilder s, double x, double y, String text, String attributes) {
    s.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%.1f\" y=\"%.1f\"%s>%s</text>%n",
            x,
            y,
            attributes.isEmpty() ? "" : " " + attributes,
            esc(text)));
  }

  static String esc(String text) {
    StringBuilder b = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&apos;");
        default -> {
          if (c >= 0x20 || c == '\t' || c == '\n') {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }
}
