package dev.ephemera.core.audit.detect;

import dev.ephemera.core.audit.AuditEvent;
import dev.ephemera.core.audit.AuditEventType;
import dev.ephemera.core.audit.AuditListener;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Reports credentials issued beyond policy, from {@code ISSUED} and {@code RENEWED} events:
 *
 * <ul>
 *   <li>{@value #LIFETIME_OVER_POLICY}: the credential's lifetime ({@code expiresAt - issuedAt}) is
 *       longer than the provider's {@link Builder#maxLifetime(String, Duration) maximum}, or the
 *       {@link Builder#maxLifetime(Duration) default maximum} (12 hours);
 *   <li>{@value #SCOPE_OVER_POLICY}: the credential's scope is broader than allowed, by {@link
 *       Builder#allowedScopes(String, Collection) a set of allowed scopes} for its source (the
 *       event's scope is split on white space and commas, and every part must be allowed; an
 *       unscoped credential is broader than any set), or by {@link Builder#scopeAllowed(Predicate)
 *       a predicate}. Sources with neither are not checked for scope.
 * </ul>
 *
 * <p>Each credential id is reported at most once per kind, so its renewals do not repeat the
 * report; events without a credential id are reported each time. At most {@code maxTracked}
 * reported credential ids (100,000 by default) are remembered, the least recently seen forgotten.
 * Time comes only from the events; {@code onEvent} never throws (nor does a predicate that throws:
 * its event is ignored).
 */
public final class PolicyBreachDetector implements AuditListener {
  /** Kind of the anomaly reported for a lifetime over policy. */
  public static final String LIFETIME_OVER_POLICY = "lifetime-over-policy";

  /** Kind of the anomaly reported for a scope over policy. */
  public static final String SCOPE_OVER_POLICY = "scope-over-policy";

  private final Anomalies anomalies;
  private final Duration maxLifetime;
  private final Map<String, Duration> maxLifetimeByProvider;
  private final Map<String, Set<String>> allowedScopes;
  private final @Nullable Predicate<AuditEvent> scopeAllowed;
  private final Map<String, Boolean> reported;

  private PolicyBreachDetector(Builder b, AuditListener downstream) {
    this.anomalies = new Anomalies(downstream);
    this.maxLifetime = b.maxLifetime;
    this.maxLifetimeByProvider = Map.copyOf(b.maxLifetimeByProvider);
    this.allowedScopes = Map.copyOf(b.allowedScopes);
    this.scopeAllowed = b.scopeAllowed;
    this.reported = Anomalies.lru(b.maxTracked);
  }

  /** {@return a builder with the default policy: 12-hour lifetimes, no scope check} */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public void onEvent(AuditEvent event) {
    anomalies.observe(event, this::check);
  }

  /** {@return how many reported credential ids are remembered now} */
  int tracked() {
    return anomalies.locked(reported::size);
  }

  private void check(AuditEvent event, Anomalies.Findings found) {
    if (event.type() != AuditEventType.ISSUED && event.type() != AuditEventType.RENEWED) {
      return;
    }
    checkLifetime(event, found);
    checkScope(event, found);
  }

  private void checkLifetime(AuditEvent event, Anomalies.Findings found) {
    Optional<Instant> issuedAt = event.issuedAt();
    Optional<Instant> expiresAt = event.expiresAt();
    if (issuedAt.isEmpty() || expiresAt.isEmpty()) {
      return;
    }
    Duration limit = maxLifetimeByProvider.getOrDefault(event.provider(), maxLifetime);
    Duration lifetime = Duration.between(issuedAt.get(), expiresAt.get());
    if (lifetime.compareTo(limit) > 0 && firstReport(event, LIFETIME_OVER_POLICY)) {
      found.report(
          LIFETIME_OVER_POLICY,
          Anomalies.facts(
              "lifetime", lifetime, "issuedAt", issuedAt.get(), "expiresAt", expiresAt.get()),
          Anomalies.facts("maxLifetime", limit, "provider", event.provider()));
    }
  }

  private void checkScope(AuditEvent event, Anomalies.Findings found) {
    Set<String> allowed = allowedScopes.get(event.source());
    String scope = event.scope();
    String shown = scope.isEmpty() ? "(unscoped)" : scope;
    if (allowed != null) {
      StringJoiner refused = new StringJoiner(" ");
      for (String part : scope.split("[\\s,]+", -1)) {
        if (!part.isEmpty() && !allowed.contains(part)) {
          refused.add(part);
        }
      }
      boolean breach = scope.isBlank() || refused.length() > 0;
      if (breach && firstReport(event, SCOPE_OVER_POLICY)) {
        found.report(
            SCOPE_OVER_POLICY,
            Anomalies.facts("scope", shown, "notAllowed", scope.isBlank() ? shown : refused),
            Anomalies.facts("allowedScopes", String.join(" ", new TreeSet<>(allowed))));
        return;
      }
    }
    Predicate<AuditEvent> rule = scopeAllowed;
    if (rule != null && !rule.test(event) && firstReport(event, SCOPE_OVER_POLICY)) {
      found.report(
          SCOPE_OVER_POLICY,
          Anomalies.facts("scope", shown),
          Anomalies.facts("scopePolicy", "refused by the configured predicate"));
    }
  }

  /** {@return whether {@code kind} was not yet reported for the event's credential} */
  private boolean firstReport(AuditEvent event, String kind) {
    Optional<String> id = event.credentialId();
    return id.isEmpty() || reported.put(kind + ' ' + id.get(), Boolean.TRUE) == null;
  }

  /** Builds a {@link PolicyBreachDetector}; each setting is checked when set. */
  public static final class Builder {
    private Duration maxLifetime = Duration.ofHours(12);
    private final Map<String, Duration> maxLifetimeByProvider = new HashMap<>();
    private final Map<String, Set<String>> allowedScopes = new HashMap<>();
    private @Nullable Predicate<AuditEvent> scopeAllowed;
    private int maxTracked = Anomalies.DEFAULT_MAX_TRACKED;

    private Builder() {}

    /**
     * The longest lifetime allowed where no provider's own is set; positive; default 12 hours.
     *
     * @param maxLifetime the maximum
     * @return this builder
     */
    public Builder maxLifetime(Duration maxLifetime) {
      this.maxLifetime = Anomalies.positive(maxLifetime, "maxLifetime");
      return this;
    }

    /**
     * The longest lifetime allowed for credentials of one provider (e.g. {@code aws-irsa});
     * positive.
     *
     * @param provider the provider, as in {@link AuditEvent#provider()}
     * @param maxLifetime the maximum
     * @return this builder
     */
    public Builder maxLifetime(String provider, Duration maxLifetime) {
      Objects.requireNonNull(provider, "provider");
      maxLifetimeByProvider.put(provider, Anomalies.positive(maxLifetime, "maxLifetime"));
      return this;
    }

    /**
     * The scopes a source's credentials may carry; not empty, no blank scope.
     *
     * @param source the source's name
     * @param scopes the allowed scopes
     * @return this builder
     */
    public Builder allowedScopes(String source, Collection<String> scopes) {
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(scopes, "allowedScopes");
      Anomalies.require(!scopes.isEmpty(), "allowedScopes must not be empty for " + source);
      for (String s : scopes) {
        Anomalies.require(
            s != null && !s.isBlank(), "allowedScopes must not hold a blank scope for " + source);
      }
      allowedScopes.put(source, Set.copyOf(scopes));
      return this;
    }

    /**
     * A rule every issued credential's event must pass, e.g. on its {@link AuditEvent#scope()};
     * none by default.
     *
     * @param scopeAllowed whether the event's scope is allowed
     * @return this builder
     */
    public Builder scopeAllowed(Predicate<AuditEvent> scopeAllowed) {
      this.scopeAllowed = Objects.requireNonNull(scopeAllowed, "scopeAllowed");
      return this;
    }

    /**
     * The most reported credential ids remembered at once; at least 1; default 100,000.
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
     * @return the new {@code PolicyBreachDetector}
     */
    public PolicyBreachDetector build(AuditListener downstream) {
      return new PolicyBreachDetector(this, Objects.requireNonNull(downstream, "downstream"));
    }
  }
}
