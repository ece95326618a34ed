package dev.ephemera.core.audit;

import dev.ephemera.core.Credential;
import dev.ephemera.core.internal.Json;
import dev.ephemera.core.spi.IssuerInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One audit record, schema {@value #SCHEMA}. Immutable; never contains secret material.
 *
 * <p>{@link #toJson()} renders it as one line of JSON with the field names documented in the
 * README; absent optional fields are omitted.
 */
public final class AuditEvent {
  /** The schema identifier written in every JSON line. */
  public static final String SCHEMA = "ephemera.audit/v1";

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
  private final @Nullable Duration latency;
  private final int attempt;
  private final @Nullable AuditError error;
  private final AuditHost host;
  private final Map<String, String> attributes;

  private AuditEvent(Builder b) {
    this.id = b.id != null ? b.id : UUID.randomUUID().toString();
    this.time = Objects.requireNonNull(b.time, "time");
    this.type = b.type;
    this.outcome = b.outcome;
    this.source = b.source;
    this.provider = b.provider;
    this.principal = b.principal;
    this.target = b.target;
    this.scope = b.scope;
    this.credentialId = b.credentialId;
    this.issuedAt = b.issuedAt;
    this.expiresAt = b.expiresAt;
    this.latency = b.latency;
    this.attempt = b.attempt;
    this.error = b.error;
    this.host = b.host;
    this.attributes = Map.copyOf(b.attributes);
  }

  private AuditEvent(AuditEvent e, String credentialId) {
    this.id = e.id;
    this.time = e.time;
    this.type = e.type;
    this.outcome = e.outcome;
    this.source = e.source;
    this.provider = e.provider;
    this.principal = e.principal;
    this.target = e.target;
    this.scope = e.scope;
    this.credentialId = credentialId;
    this.issuedAt = e.issuedAt;
    this.expiresAt = e.expiresAt;
    this.latency = e.latency;
    this.attempt = e.attempt;
    this.error = e.error;
    this.host = e.host;
    this.attributes = e.attributes;
  }

  /**
   * {@return a copy of this event naming its credential by {@code credentialId} instead: a sink
   * writes a keyed fingerprint in place of an id that could act on the credential}
   *
   * @param credentialId the id to name the credential by
   */
  public AuditEvent withCredentialId(String credentialId) {
    return new AuditEvent(this, Objects.requireNonNull(credentialId, "credentialId"));
  }

  /**
   * {@return a builder for an event of the given type and outcome; {@code time} is required}
   *
   * @param type the type
   * @param outcome the outcome
   */
  public static Builder builder(AuditEventType type, AuditOutcome outcome) {
    return new Builder(type, outcome);
  }

  /** {@return a unique id for this event} */
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

  /** {@return the workload's identity, e.g. {@code system:serviceaccount:ns:name}} */
  public String principal() {
    return principal;
  }

  /** {@return what was assumed or logged into: role ARN, service account, Vault role or path} */
  public String target() {
    return target;
  }

  /** {@return how the credential is narrowed (policy digest, scopes); empty when unscoped} */
  public String scope() {
    return scope;
  }

  /** {@return the credential's non-secret id, if the event concerns one} */
  public Optional<String> credentialId() {
    return Optional.ofNullable(credentialId);
  }

  /** {@return the credential's issue time, if the event concerns one} */
  public Optional<Instant> issuedAt() {
    return Optional.ofNullable(issuedAt);
  }

  /** {@return the credential's expiry, if the event concerns one} */
  public Optional<Instant> expiresAt() {
    return Optional.ofNullable(expiresAt);
  }

  /** {@return how long the upstream call took, if there was one} */
  public Optional<Duration> latency() {
    return Optional.ofNullable(latency);
  }

  /**
   * {@return the attempt number within a run of failures (1 = first try); 0 when not an attempt}
   */
  public int attempt() {
    return attempt;
  }

  /** {@return the error, for failures} */
  public Optional<AuditError> error() {
    return Optional.ofNullable(error);
  }

  /** {@return where it happened} */
  public AuditHost host() {
    return host;
  }

  /**
   * {@return extra non-secret facts, e.g. {@code assumedRoleArn}, {@code requestId}, {@code path}}
   */
  public Map<String, String> attributes() {
    return attributes;
  }

  /** {@return this event as one line of JSON (no trailing newline)} */
  public String toJson() {
    StringBuilder sb = new StringBuilder(512).append('{');
    field(sb, "schema", SCHEMA);
    field(sb, "id", id);
    field(sb, "time", time.toString());
    field(sb, "type", type.name());
    field(sb, "outcome", outcome.name());
    field(sb, "source", source);
    field(sb, "provider", provider);
    field(sb, "principal", principal);
    field(sb, "target", target);
    field(sb, "scope", scope);
    if (credentialId != null) {
      field(sb, "credentialId", credentialId);
    }
    if (issuedAt != null) {
      field(sb, "issuedAt", issuedAt.toString());
    }
    if (expiresAt != null) {
      field(sb, "expiresAt", expiresAt.toString());
    }
    if (latency != null) {
      sb.append("\"latencyMs\":").append(latency.toMillis()).append(',');
    }
    if (attempt > 0) {
      sb.append("\"attempt\":").append(attempt).append(',');
    }
    if (error != null) {
      sb.append("\"error\":{");
      field(sb, "type", error.type());
      field(sb, "reason", error.reason());
      sb.append("\"terminal\":").append(error.terminal()).append(',');
      Json.quote(sb.append("\"message\":"), error.message()).append("},");
    }
    sb.append("\"host\":{");
    field(sb, "hostname", host.hostname());
    field(sb, "pod", host.pod());
    field(sb, "namespace", host.namespace());
    sb.append("\"pid\":").append(host.pid()).append('}');
    if (!attributes.isEmpty()) {
      sb.append(",\"attributes\":{");
      boolean first = true;
      for (Map.Entry<String, String> e : new java.util.TreeMap<>(attributes).entrySet()) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        Json.quote(sb, e.getKey()).append(':');
        Json.quote(sb, e.getValue());
      }
      sb.append('}');
    }
    return sb.append('}').toString();
  }

  private static void field(StringBuilder sb, String name, String value) {
    Json.quote(sb.append('"').append(name).append("\":"), value).append(',');
  }

  @Override
  public String toString() {
    return "AuditEvent["
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

  /** Builds an {@link AuditEvent}. Strings default to empty, optional fields to absent. */
  public static final class Builder {
    private final AuditEventType type;
    private final AuditOutcome outcome;
    private @Nullable String id;
    private @Nullable Instant time;
    private String source = "";
    private String provider = "";
    private String principal = "";
    private String target = "";
    private String scope = "";
    private @Nullable String credentialId;
    private @Nullable Instant issuedAt;
    private @Nullable Instant expiresAt;
    private @Nullable Duration latency;
    private int attempt;
    private @Nullable AuditError error;
    private AuditHost host = AuditHost.local();
    private final Map<String, String> attributes = new LinkedHashMap<>();

    private Builder(AuditEventType type, AuditOutcome outcome) {
      this.type = Objects.requireNonNull(type, "type");
      this.outcome = Objects.requireNonNull(outcome, "outcome");
    }

    /**
     * Overrides the random id.
     *
     * @param id the id
     * @return this builder
     */
    public Builder id(String id) {
      this.id = Objects.requireNonNull(id, "id");
      return this;
    }

    /**
     * When it happened. Required.
     *
     * @param time when it happened
     * @return this builder
     */
    public Builder time(Instant time) {
      this.time = Objects.requireNonNull(time, "time");
      return this;
    }

    /**
     * The source's name.
     *
     * @param source the source's name
     * @return this builder
     */
    public Builder source(String source) {
      this.source = Objects.requireNonNull(source, "source");
      return this;
    }

    /**
     * Provider, principal, target and scope from an issuer's description.
     *
     * @param info the info
     * @return this builder
     */
    public Builder issuer(IssuerInfo info) {
      this.provider = info.provider();
      this.principal = info.principal();
      this.target = info.target();
      this.scope = info.scope();
      return this;
    }

    /**
     * Only the credential's id (when the event concerns a credential used, not issued).
     *
     * @param credentialId the credential id
     * @return this builder
     */
    public Builder credentialId(String credentialId) {
      this.credentialId = Objects.requireNonNull(credentialId, "credentialId");
      return this;
    }

    /**
     * The credential's id, times and audit attributes.
     *
     * @param credential the credential's id, times and audit attributes
     * @return this builder
     */
    public Builder credential(Credential credential) {
      this.credentialId = credential.id();
      this.issuedAt = credential.issuedAt();
      this.expiresAt = credential.expiresAt();
      credential.auditAttributes().forEach(this::attribute);
      return this;
    }

    /**
     * The upstream call's duration.
     *
     * @param latency the upstream call's duration
     * @return this builder
     */
    public Builder latency(Duration latency) {
      this.latency = Objects.requireNonNull(latency, "latency");
      return this;
    }

    /**
     * The attempt number, 1 for a first try.
     *
     * @param attempt the attempt number, 1 for a first try
     * @return this builder
     */
    public Builder attempt(int attempt) {
      if (attempt < 0) {
        throw new IllegalArgumentException("attempt must not be negative: " + attempt);
      }
      this.attempt = attempt;
      return this;
    }

    /**
     * The error, for failures.
     *
     * @param error the error, for failures
     * @return this builder
     */
    public Builder error(AuditError error) {
      this.error = Objects.requireNonNull(error, "error");
      return this;
    }

    /**
     * Where it happened; defaults to {@link AuditHost#local()}.
     *
     * @param host where it happened; defaults to {@link AuditHost#local()}
     * @return this builder
     */
    public Builder host(AuditHost host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /**
     * One extra non-secret fact.
     *
     * @param key the field or attribute name
     * @param value the value
     * @return this builder
     */
    public Builder attribute(String key, String value) {
      attributes.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, key));
      return this;
    }

    /**
     * Builds the event.
     *
     * @return the new {@code AuditEvent}
     * @throws NullPointerException if no time was set
     */
    public AuditEvent build() {
      return new AuditEvent(this);
    }
  }
}
