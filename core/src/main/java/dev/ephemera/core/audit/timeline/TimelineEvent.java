package dev.ephemera.core.audit.timeline;

import dev.ephemera.core.audit.AuditError;
import dev.ephemera.core.audit.AuditEvent;
import dev.ephemera.core.audit.AuditEventType;
import dev.ephemera.core.audit.AuditOutcome;
import dev.ephemera.core.internal.AuditLines;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One event of a timeline: the facts of an {@link AuditEvent} a forensic reading needs, as the
 * audit trail recorded them (so never a secret). Immutable.
 */
public final class TimelineEvent {
  private final String id;
  private final Instant time;
  private final AuditEventType type;
  private final AuditOutcome outcome;
  private final String source;
  private final String provider;
  private final String principal;
  private final String target;
  private final String scope;
  private final @Nullable String credentialId;
  private final @Nullable Instant issuedAt;
  private final @Nullable Instant expiresAt;
  private final @Nullable AuditError error;
  private final Map<String, String> attributes;

  private TimelineEvent(
      String id,
      Instant time,
      AuditEventType type,
      AuditOutcome outcome,
      String source,
      String provider,
      String principal,
      String target,
      String scope,
      @Nullable String credentialId,
      @Nullable Instant issuedAt,
      @Nullable Instant expiresAt,
      @Nullable AuditError error,
      Map<String, String> attributes) {
    this.id = id;
    this.time = time;
    this.type = type;
    this.outcome = outcome;
    this.source = source;
    this.provider = provider;
    this.principal = principal;
    this.target = target;
    this.scope = scope;
    this.credentialId = credentialId;
    this.issuedAt = issuedAt;
    this.expiresAt = expiresAt;
    this.error = error;
    this.attributes = Map.copyOf(attributes);
  }

  /**
   * {@return the timeline's view of {@code event}}
   *
   * @param event an audit event
   */
  public static TimelineEvent of(AuditEvent event) {
    Objects.requireNonNull(event, "event");
    return new TimelineEvent(
        event.id(),
        event.time(),
        event.type(),
        event.outcome(),
        event.source(),
        event.provider(),
        event.principal(),
        event.target(),
        event.scope(),
        event.credentialId().orElse(null),
        event.issuedAt().orElse(null),
        event.expiresAt().orElse(null),
        event.error().orElse(null),
        event.attributes());
  }

  /**
   * {@return the event in {@code members}, an {@code ephemera.audit/v1} event's JSON object, or
   * {@code null} when it is not one: no valid type, outcome or time, another schema, a bad time}
   */
  static @Nullable TimelineEvent fromJson(Map<String, Object> members) {
    String schema = AuditLines.string(members, "schema");
    String type = AuditLines.string(members, "type");
    String outcome = AuditLines.string(members, "outcome");
    String time = AuditLines.string(members, "time");
    if ((schema != null && !schema.equals(AuditEvent.SCHEMA))
        || type == null
        || outcome == null
        || time == null) {
      return null;
    }
    try {
      return new TimelineEvent(
          text(members, "id"),
          Instants.parse(time),
          AuditEventType.valueOf(type),
          AuditOutcome.valueOf(outcome),
          text(members, "source"),
          text(members, "provider"),
          text(members, "principal"),
          text(members, "target"),
          text(members, "scope"),
          AuditLines.string(members, "credentialId"),
          instant(members, "issuedAt"),
          instant(members, "expiresAt"),
          error(members.get("error")),
          attributes(members.get("attributes")));
    } catch (IllegalArgumentException | DateTimeException e) {
      return null;
    }
  }

  private static String text(Map<String, Object> members, String name) {
    String s = AuditLines.string(members, name);
    return s == null ? "" : s;
  }

  private static @Nullable Instant instant(Map<String, Object> members, String name) {
    String s = AuditLines.string(members, name);
    return s == null ? null : Instants.parse(s);
  }

  @SuppressWarnings("unchecked")
  private static @Nullable AuditError error(@Nullable Object value) {
    if (!(value instanceof Map)) {
      return null;
    }
    Map<String, Object> e = (Map<String, Object>) value;
    return new AuditError(
        text(e, "type"),
        text(e, "reason"),
        Boolean.TRUE.equals(e.get("terminal")),
        text(e, "message"));
  }

  private static Map<String, String> attributes(@Nullable Object value) {
    if (!(value instanceof Map)) {
      return Map.of();
    }
    Map<String, String> out = new LinkedHashMap<>();
    ((Map<?, ?>) value)
        .forEach(
            (k, v) -> {
              if (k instanceof String key && v instanceof String s) {
                out.put(key, s);
              }
            });
    return out;
  }

  /** {@return the event's id} */
  public String id() {
    return id;
  }

  /** {@return when it happened (the source's clock)} */
  public Instant time() {
    return time;
  }

  /** {@return what happened} */
  public AuditEventType type() {
    return type;
  }

  /** {@return whether it succeeded} */
  public AuditOutcome outcome() {
    return outcome;
  }

  /** {@return the credential source's name} */
  public String source() {
    return source;
  }

  /** {@return the backend, e.g. {@code aws-irsa}} */
  public String provider() {
    return provider;
  }

  /** {@return the workload's identity} */
  public String principal() {
    return principal;
  }

  /** {@return what was assumed or logged into} */
  public String target() {
    return target;
  }

  /** {@return how the credential is narrowed; empty when unscoped} */
  public String scope() {
    return scope;
  }

  /**
   * {@return the credential's id as the trail wrote it (in a chain file, a keyed fingerprint {@code
   * hmac-sha256:...}), if the event names one}
   */
  public Optional<String> credentialId() {
    return Optional.ofNullable(credentialId);
  }

  /** {@return the credential's issue time, if the event carries it} */
  public Optional<Instant> issuedAt() {
    return Optional.ofNullable(issuedAt);
  }

  /** {@return the credential's expiry, if the event carries it} */
  public Optional<Instant> expiresAt() {
    return Optional.ofNullable(expiresAt);
  }

  /** {@return the error, for failures} */
  public Optional<AuditError> error() {
    return Optional.ofNullable(error);
  }

  /** {@return the event's extra non-secret facts, e.g. a secret read's {@code path}} */
  public Map<String, String> attributes() {
    return attributes;
  }

  /**
   * {@return a short account of what the event adds: a failure's reason and error type, a secret
   * read's path and version; empty when nothing}
   */
  public String detail() {
    StringBuilder sb = new StringBuilder();
    if (error != null) {
      sb.append(error.reason().isEmpty() ? error.type() : error.reason() + " " + error.type());
      if (error.terminal()) {
        sb.append(" terminal");
      }
    }
    appendAttribute(sb, "path");
    appendAttribute(sb, "version");
    appendAttribute(sb, "anomaly");
    return sb.toString();
  }

  private void appendAttribute(StringBuilder sb, String name) {
    String value = attributes.get(name);
    if (value != null) {
      if (sb.length() > 0) {
        sb.append(' ');
      }
      sb.append(name).append('=').append(value);
    }
  }

  @Override
  public String toString() {
    return "TimelineEvent["
        + type
        + " "
        + outcome
        + " source="
        + source
        + " credentialId="
        + credentialId
        + " time="
        + time
        + "]";
  }
}
