package dev.ephemera.core.audit.detect;

import dev.ephemera.core.audit.AuditEvent;
import dev.ephemera.core.audit.AuditEventType;
import dev.ephemera.core.audit.AuditListener;
import dev.ephemera.core.audit.AuditOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Reports a credential used after it was revoked (kind {@value #USE_AFTER_REVOKE}): an {@code
 * ISSUED}, {@code RENEWED} or {@code SECRET_READ} event, at or after the revocation's time, that
 * names a {@linkplain AuditEvent#credentialId() credential id} an earlier successful {@code
 * REVOKED} event named, from any source. A failed revocation leaves the credential valid and is not
 * recorded. Each revoked credential is reported once, at its first use.
 *
 * <p>At most {@code maxTracked} revoked credential ids (100,000 by default) are kept; the least
 * recently seen is forgotten. Time comes only from the events; {@code onEvent} never throws.
 */
public final class UseAfterRevokeDetector implements AuditListener {
  /** Kind of the anomaly reported. */
  public static final String USE_AFTER_REVOKE = "use-after-revoke";

  private static final class Revocation {
    final Instant at;
    final String source;
    boolean reported;

    Revocation(Instant at, String source) {
      this.at = at;
      this.source = source;
    }
  }

  private static final String THRESHOLD = Anomalies.facts("usesAllowedAfterRevoke", 0);

  private final Anomalies anomalies;
  private final Map<String, Revocation> revoked;

  private UseAfterRevokeDetector(Builder b, AuditListener downstream) {
    this.anomalies = new Anomalies(downstream);
    this.revoked = Anomalies.lru(b.maxTracked);
  }

  /** {@return a builder with the default bound} */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public void onEvent(AuditEvent event) {
    anomalies.observe(event, this::check);
  }

  /** {@return how many revoked credential ids are kept now} */
  int tracked() {
    return anomalies.locked(revoked::size);
  }

  private void check(AuditEvent event, Anomalies.Findings found) {
    Optional<String> id = event.credentialId();
    if (id.isEmpty()) {
      return;
    }
    AuditEventType type = event.type();
    if (type == AuditEventType.REVOKED) {
      if (event.outcome() == AuditOutcome.SUCCESS) {
        revoked.putIfAbsent(id.get(), new Revocation(event.time(), event.source()));
      }
      return;
    }
    if (type != AuditEventType.ISSUED
        && type != AuditEventType.RENEWED
        && type != AuditEventType.SECRET_READ) {
      return;
    }
    Revocation r = revoked.get(id.get());
    if (r == null || r.reported || event.time().isBefore(r.at)) {
      return;
    }
    r.reported = true;
    found.report(
        USE_AFTER_REVOKE,
        Anomalies.facts(
            "credentialId",
            id.get(),
            "use",
            type,
            "revokedAt",
            r.at,
            "revokedBy",
            r.source,
            "usedAfter",
            Duration.between(r.at, event.time())),
        THRESHOLD);
  }

  /** Builds a {@link UseAfterRevokeDetector}; each setting is checked when set. */
  public static final class Builder {
    private int maxTracked = Anomalies.DEFAULT_MAX_TRACKED;

    private Builder() {}

    /**
     * The most revoked credential ids kept at once; at least 1; default 100,000.
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
     * @return the new {@code UseAfterRevokeDetector}
     */
    public UseAfterRevokeDetector build(AuditListener downstream) {
      return new UseAfterRevokeDetector(this, Objects.requireNonNull(downstream, "downstream"));
    }
  }
}
