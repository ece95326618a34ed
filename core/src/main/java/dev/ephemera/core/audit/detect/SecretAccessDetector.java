package dev.ephemera.core.audit.detect;

import dev.ephemera.core.audit.AuditEvent;
import dev.ephemera.core.audit.AuditEventType;
import dev.ephemera.core.audit.AuditListener;
import dev.ephemera.core.internal.AuditLines;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Reports unusual secret reads ({@code SECRET_READ} events, whatever their outcome; the path read
 * is the event's {@link AuditEvent#target() target}, as the Vault KV reader writes it: namespace,
 * mount and path):
 *
 * <ul>
 *   <li>{@value #FIRST_SECRET_READ}: a source reads a path it has not read before;
 *   <li>{@value #DORMANT_SECRET_READ}: a source reads a path it last read longer ago than {@link
 *       Builder#dormancy(Duration) dormancy}.
 * </ul>
 *
 * <p>What counts as "before" can be learned from earlier audit files with {@link
 * #loadBaseline(Reader)}, so a restart does not report every path as new.
 *
 * <p>Defaults: dormancy 90 days. At most {@code maxTracked} (source, path) pairs (100,000 by
 * default) are tracked; the least recently read is forgotten, and reported as a first read when it
 * is read again. Time comes only from the events; {@code onEvent} never throws.
 */
public final class SecretAccessDetector implements AuditListener {
  /** Kind of the anomaly reported for a path a source never read before. */
  public static final String FIRST_SECRET_READ = "first-secret-read";

  /** Kind of the anomaly reported for a path not read for longer than the dormancy. */
  public static final String DORMANT_SECRET_READ = "dormant-secret-read";

  /**
   * What {@link #loadBaseline(Reader)} found.
   *
   * @param reads the secret reads recorded
   * @param skipped the lines skipped: too long, not JSON, or not an audit event
   */
  public record Loaded(long reads, long skipped) {}

  private record Key(String source, String path) {}

  private final Anomalies anomalies;
  private final Duration dormancy;
  private final int maxLineChars;
  private final Map<Key, Instant> lastRead;
  private final String firstThreshold;
  private final String dormantThreshold;

  private SecretAccessDetector(Builder b, AuditListener downstream) {
    this.anomalies = new Anomalies(downstream);
    this.dormancy = b.dormancy;
    this.maxLineChars = b.maxLineChars;
    this.lastRead = Anomalies.lru(b.maxTracked);
    this.firstThreshold = Anomalies.facts("earlierReadsBySource", 0);
    this.dormantThreshold = Anomalies.facts("dormancy", b.dormancy);
  }

  /** {@return a builder with the default thresholds} */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public void onEvent(AuditEvent event) {
    anomalies.observe(event, this::check);
  }

  /**
   * Records the secret reads in audit JSON lines (as {@link
   * dev.ephemera.core.audit.JsonLinesAuditListener} writes them, or lines whose {@code "event"}
   * member holds such an event) as earlier reads, reporting nothing. Lines longer than {@link
   * Builder#maxLineChars(int) maxLineChars}, lines that are not JSON objects and events without a
   * valid type and time are skipped and counted; events other than {@code SECRET_READ} are read and
   * passed over. The reader is not closed.
   *
   * @param jsonLines the audit lines
   * @return how many reads were recorded and how many lines skipped
   * @throws IOException if reading fails; what was read before stays recorded
   */
  public Loaded loadBaseline(Reader jsonLines) throws IOException {
    Objects.requireNonNull(jsonLines, "jsonLines");
    long[] reads = {0};
    long skipped =
        AuditLines.read(
            jsonLines,
            maxLineChars,
            event -> {
              String type = AuditLines.string(event, "type");
              String time = AuditLines.string(event, "time");
              if (type == null || time == null) {
                return false;
              }
              Instant at = Instant.parse(time);
              AuditEventType parsed = AuditEventType.valueOf(type);
              String source = AuditLines.string(event, "source");
              String target = AuditLines.string(event, "target");
              if (parsed == AuditEventType.SECRET_READ && target != null && !target.isEmpty()) {
                Key key = new Key(source == null ? "" : source, target);
                anomalies.run(() -> record(key, at));
                reads[0]++;
              }
              return true;
            });
    return new Loaded(reads[0], skipped);
  }

  /**
   * Like {@link #loadBaseline(Reader)}, from a UTF-8 file (malformed bytes read as U+FFFD).
   *
   * @param jsonLinesFile the audit file
   * @return how many reads were recorded and how many lines skipped
   * @throws IOException if the file cannot be read
   */
  public Loaded loadBaseline(Path jsonLinesFile) throws IOException {
    Objects.requireNonNull(jsonLinesFile, "jsonLinesFile");
    try (Reader in =
        new InputStreamReader(Files.newInputStream(jsonLinesFile), StandardCharsets.UTF_8)) {
      return loadBaseline(in);
    }
  }

  /** {@return how many (source, path) pairs are tracked now} */
  int tracked() {
    return anomalies.locked(lastRead::size);
  }

  private void check(AuditEvent event, Anomalies.Findings found) {
    if (event.type() != AuditEventType.SECRET_READ || event.target().isEmpty()) {
      return;
    }
    Instant now = event.time();
    Instant previous = record(new Key(event.source(), event.target()), now);
    if (previous == null) {
      found.report(
          FIRST_SECRET_READ,
          Anomalies.facts("path", event.target(), "source", event.source()),
          firstThreshold);
      return;
    }
    Duration idle = Duration.between(previous, now);
    if (idle.compareTo(dormancy) > 0) {
      found.report(
          DORMANT_SECRET_READ,
          Anomalies.facts("path", event.target(), "lastRead", previous, "dormantFor", idle),
          dormantThreshold);
    }
  }

  /** Records a read at {@code at}; {@return the previous last read, if any} */
  private @Nullable Instant record(Key key, Instant at) {
    Instant previous = lastRead.get(key);
    lastRead.put(key, previous != null && previous.isAfter(at) ? previous : at);
    return previous;
  }

  /** Builds a {@link SecretAccessDetector}; each setting is checked when set. */
  public static final class Builder {
    private Duration dormancy = Duration.ofDays(90);
    private int maxTracked = Anomalies.DEFAULT_MAX_TRACKED;
    private int maxLineChars = AuditLines.MAX_LINE_CHARS;

    private Builder() {}

    /**
     * How long a path may go unread before a read of it is reported; positive; default 90 days.
     *
     * @param dormancy the dormancy
     * @return this builder
     */
    public Builder dormancy(Duration dormancy) {
      this.dormancy = Anomalies.positive(dormancy, "dormancy");
      return this;
    }

    /**
     * The most (source, path) pairs tracked at once; at least 1; default 100,000.
     *
     * @param maxTracked the bound
     * @return this builder
     */
    public Builder maxTracked(int maxTracked) {
      this.maxTracked = Anomalies.positive(maxTracked, "maxTracked");
      return this;
    }

    /**
     * The longest baseline line read, in chars; longer ones are skipped; at least 1; default
     * 65,536.
     *
     * @param maxLineChars the bound
     * @return this builder
     */
    public Builder maxLineChars(int maxLineChars) {
      this.maxLineChars = Anomalies.positive(maxLineChars, "maxLineChars");
      return this;
    }

    /**
     * Builds the detector.
     *
     * @param downstream receives the {@code ANOMALY} events
     * @return the new {@code SecretAccessDetector}
     */
    public SecretAccessDetector build(AuditListener downstream) {
      return new SecretAccessDetector(this, Objects.requireNonNull(downstream, "downstream"));
    }
  }
}
