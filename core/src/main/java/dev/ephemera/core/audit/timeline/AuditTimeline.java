package dev.ephemera.core.audit.timeline;

import dev.ephemera.core.audit.AuditEvent;
import dev.ephemera.core.internal.AuditLines;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The forensic timeline of audit trails: every credential's life ({@link CredentialLife}) built
 * from the events of any number of files, and the queries an investigation asks of it ({@link
 * #query}): what happened to this credential, to this principal's or target's, in this window, and
 * what was live at that moment. Immutable.
 *
 * <pre>{@code
 * AuditTimeline timeline = AuditTimeline.read(List.of(Path.of("/var/log/ephemera")));
 * TimelineResult live = timeline.query(TimelineQuery.builder().at(incidentTime).build());
 * System.out.print(live.toTable());
 * }</pre>
 *
 * <p>{@link #read} takes files and directories (each directory's regular files, not its
 * subdirectories, in name order), each either plain JSON lines of {@code ephemera.audit/v1} events
 * ({@link dev.ephemera.core.audit.JsonLinesAuditListener}) or an {@code ephemera.chain/v1} file
 * ({@link dev.ephemera.core.audit.chain.ChainedAuditSink}), mixed freely. It reads; it does not
 * verify a chain (that is {@link dev.ephemera.core.audit.chain.ChainVerifier}'s work). Lines are
 * bounded ({@value AuditLines#MAX_LINE_CHARS} chars); a longer line, a line that is not JSON and an
 * event without a valid type, outcome and time are skipped and counted ({@link #skippedLines()});
 * blank lines and a chain's entries that hold no event are passed over.
 *
 * <p>Events are grouped by credential id; those naming none attach to their source. Within a life
 * they are in time order (ties in reading order), and lives are in the order of their first event.
 */
public final class AuditTimeline {
  private final List<CredentialLife> lives;
  private final int files;
  private final long events;
  private final long skippedLines;

  private AuditTimeline(List<CredentialLife> lives, int files, long events, long skippedLines) {
    this.lives = lives;
    this.files = files;
    this.events = events;
    this.skippedLines = skippedLines;
  }

  /**
   * {@return the timeline of the audit events in {@code paths}}
   *
   * @param paths files and directories of audit JSON lines or chain files
   * @throws IOException if a path cannot be read (a missing one: {@link
   *     java.nio.file.NoSuchFileException})
   */
  public static AuditTimeline read(List<Path> paths) throws IOException {
    Objects.requireNonNull(paths, "paths");
    List<Path> files = new ArrayList<>();
    for (Path p : paths) {
      Objects.requireNonNull(p, "paths contains null");
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.list(p)) {
          s.filter(Files::isRegularFile).sorted().forEach(files::add);
        }
      } else {
        files.add(p);
      }
    }
    List<TimelineEvent> read = new ArrayList<>();
    long skipped = 0;
    for (Path file : files) {
      try (Reader in = new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8)) {
        skipped +=
            AuditLines.read(
                in,
                AuditLines.MAX_LINE_CHARS,
                members -> {
                  TimelineEvent e = TimelineEvent.fromJson(members);
                  if (e == null) {
                    return false;
                  }
                  read.add(e);
                  return true;
                });
      }
    }
    return build(read, files.size(), skipped);
  }

  /**
   * {@return the timeline of {@code events}, as a live pipeline delivered them}
   *
   * @param events audit events, in any order
   */
  public static AuditTimeline of(Collection<AuditEvent> events) {
    List<TimelineEvent> list = new ArrayList<>(events.size());
    for (AuditEvent e : events) {
      list.add(TimelineEvent.of(e));
    }
    return build(list, 0, 0);
  }

  private static AuditTimeline build(List<TimelineEvent> events, int files, long skipped) {
    events.sort(Comparator.comparing(TimelineEvent::time)); // stable: ties keep reading order
    Map<String, List<TimelineEvent>> byCredential = new LinkedHashMap<>();
    Map<String, List<TimelineEvent>> bySource = new LinkedHashMap<>();
    for (TimelineEvent e : events) {
      String id = e.credentialId().orElse(null);
      List<TimelineEvent> life =
          id != null
              ? byCredential.computeIfAbsent(id, k -> new ArrayList<>())
              : bySource.computeIfAbsent(e.source(), k -> new ArrayList<>());
      life.add(e);
    }
    List<CredentialLife> lives = new ArrayList<>(byCredential.size() + bySource.size());
    // both maps are in order of first event; merge them so that the lives are too
    List<Map.Entry<String, List<TimelineEvent>>> ids = new ArrayList<>(byCredential.entrySet());
    List<Map.Entry<String, List<TimelineEvent>>> sources = new ArrayList<>(bySource.entrySet());
    int i = 0;
    int j = 0;
    while (i < ids.size() || j < sources.size()) {
      boolean takeId =
          j >= sources.size()
              || (i < ids.size()
                  && !ids.get(i)
                      .getValue()
                      .get(0)
                      .time()
                      .isAfter(sources.get(j).getValue().get(0).time()));
      if (takeId) {
        Map.Entry<String, List<TimelineEvent>> e = ids.get(i++);
        lives.add(CredentialLife.of(e.getKey(), "", e.getValue()));
      } else {
        Map.Entry<String, List<TimelineEvent>> e = sources.get(j++);
        lives.add(CredentialLife.of(null, e.getKey(), e.getValue()));
      }
    }
    return new AuditTimeline(List.copyOf(lives), files, events.size(), skipped);
  }

  /** {@return every life, in the order of its first event} */
  public List<CredentialLife> lives() {
    return lives;
  }

  /** {@return how many files were read (0 for {@link #of})} */
  public int files() {
    return files;
  }

  /** {@return how many events were read} */
  public long events() {
    return events;
  }

  /** {@return how many lines were skipped: too long, not JSON, or not an audit event} */
  public long skippedLines() {
    return skippedLines;
  }

  /**
   * {@return what {@code query} keeps of this timeline}
   *
   * @param query the filters, and a window or a moment
   */
  public TimelineResult query(TimelineQuery query) {
    Objects.requireNonNull(query, "query");
    Instant at = query.at().orElse(null);
    List<CredentialLife> kept = new ArrayList<>();
    for (CredentialLife life : lives) {
      if (!query.matches(life)) {
        continue;
      }
      if (at != null) {
        if (life.liveAt(at)) {
          kept.add(life.restrictedTo(e -> !e.time().isAfter(at)));
        }
      } else if (query.hasWindow()) {
        CredentialLife narrowed = life.restrictedTo(e -> query.inWindow(e.time()));
        if (!narrowed.events().isEmpty()) {
          kept.add(narrowed);
        }
      } else {
        kept.add(life);
      }
    }
    return new TimelineResult(this, query, List.copyOf(kept));
  }

  @Override
  public String toString() {
    return "AuditTimeline[lives="
        + lives.size()
        + " events="
        + events
        + " files="
        + files
        + " skippedLines="
        + skippedLines
        + "]";
  }
}
