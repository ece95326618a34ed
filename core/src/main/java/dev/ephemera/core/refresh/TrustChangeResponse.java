package dev.ephemera.core.refresh;

import dev.ephemera.core.CredentialUnavailableException;
import dev.ephemera.core.audit.AuditEvent;
import dev.ephemera.core.audit.AuditEventType;
import dev.ephemera.core.audit.AuditListener;
import dev.ephemera.core.audit.AuditOutcome;
import dev.ephemera.core.audit.detect.TrustChangeDetector;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Revocation tied to change events: an {@link AuditListener} that, when a source's trust changes,
 * pulls the {@linkplain CredentialInventory#revokeSource kill switch} for that source, so the
 * credential issued under the old trust stops being served at once, is revoked and replaced (or,
 * when the upstream now refuses the workload, nothing is served). It responds to:
 *
 * <ul>
 *   <li>a {@code trust-change} anomaly ({@link TrustChangeDetector}): the source's principal,
 *       target or host changed, e.g. the projected token now names another service account;
 *   <li>an identity that worked being rejected: a {@code REFRESH_FAILED} of reason {@code REJECTED}
 *       from a source that was issued a credential before.
 * </ul>
 *
 * Opt-in: add it to the sources' listeners, and as the downstream of the trust-change detector.
 * Every revocation it causes is audited by the source ({@code REVOKED}). It tracks at most {@value
 * #MAX_TRACKED} sources.
 *
 * <pre>{@code
 * TrustChangeResponse respond = TrustChangeResponse.create();
 * AuditListener detect = TrustChangeDetector.builder().build(respond);
 * builder.auditListener(detect).auditListener(respond);
 * }</pre>
 */
public final class TrustChangeResponse implements AuditListener {
  /** The most sources whose past success it remembers. */
  public static final int MAX_TRACKED = 100_000;

  private final CredentialInventory inventory;
  private final Map<String, Boolean> succeeded = new ConcurrentHashMap<>();

  private TrustChangeResponse(CredentialInventory inventory) {
    this.inventory = inventory;
  }

  /** {@return a response acting on this process's sources} */
  public static TrustChangeResponse create() {
    return new TrustChangeResponse(CredentialInventory.process());
  }

  @Override
  public void onEvent(AuditEvent event) {
    Objects.requireNonNull(event, "event");
    AuditEventType type = event.type();
    String source = event.source();
    if (type == AuditEventType.ANOMALY) {
      if (TrustChangeDetector.TRUST_CHANGE.equals(event.attributes().get("anomaly"))) {
        inventory.revokeSource(source);
      }
    } else if ((type == AuditEventType.ISSUED || type == AuditEventType.RENEWED)
        && event.outcome() == AuditOutcome.SUCCESS) {
      if (succeeded.size() < MAX_TRACKED || succeeded.containsKey(source)) {
        succeeded.put(source, Boolean.TRUE);
      }
    } else if (type == AuditEventType.REFRESH_FAILED
        && event
            .error()
            .map(e -> CredentialUnavailableException.Reason.REJECTED.name().equals(e.reason()))
            .orElse(false)
        && succeeded.remove(source) != null) {
      inventory.revokeSource(source); // once: until it is issued a credential again
    }
  }

  @Override
  public String toString() {
    return "TrustChangeResponse[" + succeeded.size() + " sources seen succeeding]";
  }
}
