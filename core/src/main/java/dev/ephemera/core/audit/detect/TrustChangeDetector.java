package dev.ephemera.core.audit.detect;

import dev.ephemera.core.audit.AuditEvent;
import dev.ephemera.core.audit.AuditEventType;
import dev.ephemera.core.audit.AuditListener;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Reports a source whose identity changes between its events (kind {@value #TRUST_CHANGE}): its
 * principal, its target, or where it runs (host name, pod, namespace). One anomaly per changed
 * field, naming the field and its previous and new values; the new value is then the one expected.
 *
 * <p>An empty value says nothing (an event that could not describe its issuer) and is neither
 * compared nor remembered. The target of a {@code SECRET_READ} event is the path read, not what the
 * source logged into, so it is not compared. Where one source name legitimately runs on many hosts
 * (audit merged from a fleet of pods), leave the host fields out with {@link Builder#fields(Set)}.
 *
 * <p>At most {@code maxTracked} sources (100,000 by default) are tracked; the least recently seen
 * is forgotten, and what it next shows is taken as expected. Time plays no part; {@code onEvent}
 * never throws.
 */
public final class TrustChangeDetector implements AuditListener {
  /** Kind of the anomaly reported. */
  public static final String TRUST_CHANGE = "trust-change";

  /** A field of an event that identifies its source. */
  public enum Field {
    /** {@link AuditEvent#principal()}. */
    PRINCIPAL("principal", AuditEvent::principal),
    /** {@link AuditEvent#target()}, except for {@code SECRET_READ} events. */
    TARGET("target", AuditEvent::target),
    /** {@link dev.ephemera.core.audit.AuditHost#hostname()}. */
    HOSTNAME("hostname", e -> e.host().hostname()),
    /** {@link dev.ephemera.core.audit.AuditHost#pod()}. */
    POD("pod", e -> e.host().pod()),
    /** {@link dev.ephemera.core.audit.AuditHost#namespace()}. */
    NAMESPACE("namespace", e -> e.host().namespace());

    private final String label;
    private final Function<AuditEvent, String> read;

    Field(String label, Function<AuditEvent, String> read) {
      this.label = label;
      this.read = read;
    }
  }

  private final Anomalies anomalies;
  private final Set<Field> fields;
  private final Map<String, EnumMap<Field, String>> sources;
  private final String threshold;

  private TrustChangeDetector(Builder b, AuditListener downstream) {
    this.anomalies = new Anomalies(downstream);
    this.fields = EnumSet.copyOf(b.fields);
    this.sources = Anomalies.lru(b.maxTracked);
    StringBuilder watched = new StringBuilder();
    for (Field f : fields) {
      watched.append(watched.length() == 0 ? "" : "|").append(f.label);
    }
    this.threshold = Anomalies.facts("allowedChanges", 0, "fields", watched);
  }

  /** {@return a builder watching every field} */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public void onEvent(AuditEvent event) {
    anomalies.observe(event, this::check);
  }

  /** {@return how many sources are tracked now} */
  int tracked() {
    return anomalies.locked(sources::size);
  }

  private void check(AuditEvent event, Anomalies.Findings found) {
    EnumMap<Field, String> known =
        sources.computeIfAbsent(event.source(), s -> new EnumMap<>(Field.class));
    for (Field f : fields) {
      if (f == Field.TARGET && event.type() == AuditEventType.SECRET_READ) {
        continue;
      }
      String now = f.read.apply(event);
      if (now.isEmpty()) {
        continue;
      }
      String before = known.put(f, now);
      if (before != null && !before.equals(now)) {
        found.report(
            TRUST_CHANGE,
            Anomalies.facts("field", f.label, "previous", before, "new", now),
            threshold);
      }
    }
  }

  /** Builds a {@link TrustChangeDetector}; each setting is checked when set. */
  public static final class Builder {
    private Set<Field> fields = EnumSet.allOf(Field.class);
    private int maxTracked = Anomalies.DEFAULT_MAX_TRACKED;

    private Builder() {}

    /**
     * The fields compared; not empty; default all of them.
     *
     * @param fields the fields
     * @return this builder
     */
    public Builder fields(Set<Field> fields) {
      Objects.requireNonNull(fields, "fields");
      Anomalies.require(!fields.isEmpty(), "fields must not be empty");
      this.fields = EnumSet.copyOf(fields);
      return this;
    }

    /**
     * The most sources tracked at once; at least 1; default 100,000.
     *
     * @param maxTracked the bound
     * @return this builder
     */
    public Builder maxTracked(int maxTracked) {
      this.maxTracked = Anomalies.positive(maxTracked, "maxTracked");
      return this;
    }

    /**
     * Builds the detector.
     *
     * @param downstream receives the {@code ANOMALY} events
     * @return the new {@code TrustChangeDetector}
     */
    public TrustChangeDetector build(AuditListener downstream) {
      return new TrustChangeDetector(this, Objects.requireNonNull(downstream, "downstream"));
    }
  }
}
