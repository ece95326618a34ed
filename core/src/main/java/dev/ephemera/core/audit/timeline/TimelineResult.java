package dev.ephemera.core.audit.timeline;

import dev.ephemera.core.audit.AuditError;
import dev.ephemera.core.internal.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a {@link TimelineQuery} kept of an {@link AuditTimeline}: the lives that match, each with
 * the events the query kept, and how much was read. Renders as a table ({@link #toTable()}) or as
 * one JSON document ({@link #toJson()}). Immutable.
 */
public final class TimelineResult {
  /** The schema identifier of {@link #toJson()}'s document. */
  public static final String SCHEMA = "ephemera.timeline/v1";

  private static final String NONE = "-";

  private final TimelineQuery query;
  private final List<CredentialLife> lives;
  private final int files;
  private final long eventsRead;
  private final long skippedLines;

  TimelineResult(AuditTimeline timeline, TimelineQuery query, List<CredentialLife> lives) {
    this.query = query;
    this.lives = lives;
    this.files = timeline.files();
    this.eventsRead = timeline.events();
    this.skippedLines = timeline.skippedLines();
  }

  /** {@return the query asked} */
  public TimelineQuery query() {
    return query;
  }

  /**
   * {@return the lives kept, in the order of their first event; with {@link TimelineQuery#at()},
   * the credentials live at that moment}
   */
  public List<CredentialLife> lives() {
    return lives;
  }

  /** {@return how many events the kept lives show} */
  public long eventsShown() {
    long n = 0;
    for (CredentialLife life : lives) {
      n += life.events().size();
    }
    return n;
  }

  /** {@return how many files were read} */
  public int files() {
    return files;
  }

  /** {@return how many events were read, in all} */
  public long eventsRead() {
    return eventsRead;
  }

  /** {@return how many lines were skipped when reading} */
  public long skippedLines() {
    return skippedLines;
  }

  /**
   * {@return the result as text: for each life a heading line ({@code credential ID} or {@code
   * source NAME}, then its source, provider, principal, target, scope), then one row per event in
   * fixed columns TIME, EVENT, OUTCOME, ISSUED-AT, EXPIRES-AT, DETAIL; with a moment, one row per
   * live credential in columns CREDENTIAL, SOURCE, PRINCIPAL, TARGET, SCOPE, ISSUED-AT, EXPIRES-AT;
   * then a summary line. Absent values show as {@code -}}
   */
  public String toTable() {
    StringBuilder sb = new StringBuilder(256 + 96 * (int) Math.min(eventsShown(), 1 << 20));
    Table events = new Table("  ", "TIME", "EVENT", "OUTCOME", "ISSUED-AT", "EXPIRES-AT", "DETAIL");
    for (CredentialLife life : lives) {
      events.heading(heading(life));
      for (TimelineEvent e : life.events()) {
        events.row(
            e.time().toString(),
            e.type().name(),
            e.outcome().name(),
            text(e.issuedAt()),
            text(e.expiresAt()),
            e.detail());
      }
    }
    if (!lives.isEmpty()) {
      events.appendTo(sb);
    }
    Instant at = query.at().orElse(null);
    if (at != null) {
      if (!lives.isEmpty()) {
        sb.append('\n');
      }
      sb.append("live at ").append(at).append(": ").append(count(lives.size(), "credential"));
      sb.append('\n');
      if (!lives.isEmpty()) {
        Table live =
            new Table(
                "",
                "CREDENTIAL",
                "SOURCE",
                "PRINCIPAL",
                "TARGET",
                "SCOPE",
                "ISSUED-AT",
                "EXPIRES-AT");
        for (CredentialLife life : lives) {
          live.row(
              life.credentialId().orElse(NONE),
              orNone(life.source()),
              orNone(life.principal()),
              orNone(life.target()),
              orNone(life.scope()),
              text(life.issuedAt()),
              text(life.expiresAtAsOf(at)));
        }
        live.appendTo(sb);
      }
    }
    sb.append(count(eventsShown(), "event"))
        .append(" of ")
        .append(count(lives.size(), "life", "lives"))
        .append(" shown; read ")
        .append(count(eventsRead, "event"))
        .append(" from ")
        .append(count(files, "file"))
        .append(", ")
        .append(count(skippedLines, "line"))
        .append(" skipped\n");
    return sb.toString();
  }

  private static String heading(CredentialLife life) {
    StringBuilder sb = new StringBuilder();
    String id = life.credentialId().orElse(null);
    if (id != null) {
      sb.append("credential ").append(id).append("  source ").append(orNone(life.source()));
    } else {
      sb.append("source ").append(orNone(life.source())).append(" (events naming no credential)");
    }
    sb.append("  provider ").append(orNone(life.provider()));
    sb.append("  principal ").append(orNone(life.principal()));
    sb.append("  target ").append(orNone(life.target()));
    sb.append("  scope ").append(orNone(life.scope()));
    return sb.toString();
  }

  /**
   * {@return the result as one JSON document, schema {@value #SCHEMA}: {@code files}, {@code
   * eventsRead}, {@code skippedLines}, {@code query} (the filters, window and moment set), {@code
   * lives} (each with {@code credentialId} when it has one, {@code source}, {@code provider},
   * {@code principal}, {@code target}, {@code scope}, {@code issuedAt}, {@code expiresAt}, {@code
   * revokedAt}, {@code expiredAt} when known, and {@code events}: {@code id}, {@code time}, {@code
   * type}, {@code outcome}, {@code issuedAt}, {@code expiresAt}, {@code error} and {@code
   * attributes} when present), and with a moment {@code live}: one object per live credential
   * ({@code credentialId}, {@code source}, {@code principal}, {@code target}, {@code scope}, {@code
   * issuedAt}, {@code expiresAt} as known then)}
   */
  public String toJson() {
    StringBuilder sb = new StringBuilder(256 + 256 * (int) Math.min(eventsShown(), 1 << 20));
    sb.append('{');
    field(sb, "schema", SCHEMA).append(',');
    sb.append("\"files\":").append(files).append(',');
    sb.append("\"eventsRead\":").append(eventsRead).append(',');
    sb.append("\"skippedLines\":").append(skippedLines).append(',');
    sb.append("\"query\":{");
    List<String> members = new ArrayList<>();
    query.credentialId().ifPresent(v -> members.add(member("credentialId", v)));
    query.principal().ifPresent(v -> members.add(member("principal", v)));
    query.target().ifPresent(v -> members.add(member("target", v)));
    query.source().ifPresent(v -> members.add(member("source", v)));
    query.from().ifPresent(v -> members.add(member("from", v.toString())));
    query.to().ifPresent(v -> members.add(member("to", v.toString())));
    query.at().ifPresent(v -> members.add(member("at", v.toString())));
    sb.append(String.join(",", members)).append("},\"lives\":[");
    for (int i = 0; i < lives.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      life(sb, lives.get(i));
    }
    sb.append(']');
    Instant at = query.at().orElse(null);
    if (at != null) {
      sb.append(",\"live\":[");
      for (int i = 0; i < lives.size(); i++) {
        CredentialLife life = lives.get(i);
        sb.append(i > 0 ? ",{" : "{");
        field(sb, "credentialId", life.credentialId().orElse(""));
        field(sb.append(','), "source", life.source());
        field(sb.append(','), "principal", life.principal());
        field(sb.append(','), "target", life.target());
        field(sb.append(','), "scope", life.scope());
        optional(sb, "issuedAt", life.issuedAt());
        optional(sb, "expiresAt", life.expiresAtAsOf(at));
        sb.append('}');
      }
      sb.append(']');
    }
    return sb.append('}').toString();
  }

  private static void life(StringBuilder sb, CredentialLife life) {
    sb.append('{');
    life.credentialId().ifPresent(id -> field(sb, "credentialId", id).append(','));
    field(sb, "source", life.source());
    field(sb.append(','), "provider", life.provider());
    field(sb.append(','), "principal", life.principal());
    field(sb.append(','), "target", life.target());
    field(sb.append(','), "scope", life.scope());
    optional(sb, "issuedAt", life.issuedAt());
    optional(sb, "expiresAt", life.expiresAt());
    optional(sb, "revokedAt", life.revokedAt());
    optional(sb, "expiredAt", life.expiredAt());
    sb.append(",\"events\":[");
    List<TimelineEvent> events = life.events();
    for (int i = 0; i < events.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      event(sb, events.get(i));
    }
    sb.append("]}");
  }

  private static void event(StringBuilder sb, TimelineEvent e) {
    sb.append('{');
    field(sb, "id", e.id());
    field(sb.append(','), "time", e.time().toString());
    field(sb.append(','), "type", e.type().name());
    field(sb.append(','), "outcome", e.outcome().name());
    optional(sb, "issuedAt", e.issuedAt());
    optional(sb, "expiresAt", e.expiresAt());
    AuditError error = e.error().orElse(null);
    if (error != null) {
      sb.append(",\"error\":{");
      field(sb, "type", error.type());
      field(sb.append(','), "reason", error.reason());
      sb.append(",\"terminal\":").append(error.terminal());
      field(sb.append(','), "message", error.message()).append('}');
    }
    if (!e.attributes().isEmpty()) {
      sb.append(",\"attributes\":{");
      boolean first = true;
      for (Map.Entry<String, String> a : new TreeMap<>(e.attributes()).entrySet()) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        field(sb, a.getKey(), a.getValue());
      }
      sb.append('}');
    }
    sb.append('}');
  }

  private static void optional(StringBuilder sb, String name, Optional<Instant> value) {
    value.ifPresent(v -> field(sb.append(','), name, v.toString()));
  }

  private static StringBuilder field(StringBuilder sb, String name, String value) {
    return Json.quote(Json.quote(sb, name).append(':'), value);
  }

  private static String member(String name, String value) {
    return field(new StringBuilder(), name, value).toString();
  }

  private static String text(Optional<Instant> value) {
    return value.map(Instant::toString).orElse(NONE);
  }

  private static String orNone(String value) {
    return value.isEmpty() ? NONE : value;
  }

  private static String count(long n, String one) {
    return count(n, one, one + "s");
  }

  private static String count(long n, String one, String many) {
    return n + " " + (n == 1 ? one : many);
  }

  @Override
  public String toString() {
    return "TimelineResult[lives=" + lives.size() + " events=" + eventsShown() + "]";
  }
}
