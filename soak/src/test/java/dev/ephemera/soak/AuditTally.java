package dev.ephemera.soak;

import dev.ephemera.core.audit.AuditError;
import dev.ephemera.core.audit.AuditEvent;
import dev.ephemera.core.audit.AuditEventType;
import dev.ephemera.core.audit.AuditListener;
import dev.ephemera.core.audit.AuditOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts what the soak's sources audited, per source, without keeping the events: a virtual day of
 * 10,000 sources is hundreds of thousands of them. Notes every failure event that does not say how
 * it failed. Thread-safe (audit is delivered on the advancing thread and on the callers').
 */
final class AuditTally implements AuditListener {
  /** What one source audited. */
  static final class PerSource {
    private final LongAdder issued = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder recoveries = new LongAdder();
    private volatile boolean failing;

    long issued() {
      return issued.sum();
    }

    long failed() {
      return failed.sum();
    }

    long recoveries() {
      return recoveries.sum();
    }
  }

  private final Map<String, PerSource> bySource = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> byReason = new ConcurrentHashMap<>();
  private final List<String> unclassified = new ArrayList<>(); // guarded by itself
  private final LongAdder events = new LongAdder();
  private final Set<String> revocationsFailed = ConcurrentHashMap.newKeySet();
  private final Map<String, String> historyById = new ConcurrentHashMap<>();
  private final Map<String, java.time.Instant> revokedAt = new ConcurrentHashMap<>();

  @Override
  public void onEvent(AuditEvent event) {
    events.increment();
    PerSource s = bySource.computeIfAbsent(event.source(), n -> new PerSource());
    AuditEventType type = event.type();
    if (type == AuditEventType.ISSUED || type == AuditEventType.RENEWED) {
      s.issued.increment();
      if (s.failing) {
        s.failing = false;
        s.recoveries.increment();
      }
    } else if (type == AuditEventType.REFRESH_FAILED) {
      s.failed.increment();
      s.failing = true;
      Optional<AuditError> error = event.error();
      if (error.isEmpty() || error.get().reason().isBlank() || error.get().type().isBlank()) {
        note(event.source() + ": REFRESH_FAILED without a classified error");
      } else {
        byReason.computeIfAbsent(error.get().reason(), r -> new LongAdder()).increment();
      }
    }
    event
        .credentialId()
        .ifPresent(
            id ->
                historyById.merge(
                    id,
                    event.source() + " " + type + "/" + event.outcome() + "@" + event.time(),
                    (a, b) -> a.length() > 600 ? a : a + ", " + b));
    if (type == AuditEventType.REVOKED && event.outcome() == AuditOutcome.SUCCESS) {
      event.credentialId().ifPresent(id -> revokedAt.put(id, event.time()));
    }
    if (type == AuditEventType.REVOKED && event.outcome() == AuditOutcome.FAILURE) {
      // a revocation the upstream refused or never answered: audited, so admitted
      event.credentialId().ifPresent(revocationsFailed::add);
    }
    if (event.outcome() == AuditOutcome.FAILURE && event.error().isEmpty()) {
      note(event.source() + ": " + type + " failed without saying why");
    }
  }

  private void note(String problem) {
    synchronized (unclassified) {
      if (unclassified.size() < 20) {
        unclassified.add(problem);
      }
    }
  }

  /** {@return what {@code source} audited (all zero when it audited nothing)} */
  PerSource of(String source) {
    return bySource.getOrDefault(source, new PerSource());
  }

  /** {@return failure events by their classification} */
  /** {@return what the audit trail says of the credential {@code id}: each event, in order} */
  String history(String id) {
    return historyById.getOrDefault(id, "no event names it");
  }

  /** {@return when the credential {@code id} was audited revoked, if it was} */
  java.util.Optional<java.time.Instant> revokedAt(String id) {
    return java.util.Optional.ofNullable(revokedAt.get(id));
  }

  /** {@return the ids of the credentials whose revocation failed, each audited as such} */
  Set<String> revocationsFailed() {
    return Set.copyOf(revocationsFailed);
  }

  Map<String, Long> failuresByReason() {
    Map<String, Long> out = new TreeMap<>();
    byReason.forEach((r, n) -> out.put(r, n.sum()));
    return out;
  }

  /** {@return failure events that did not say how they failed (at most 20)} */
  List<String> unclassified() {
    synchronized (unclassified) {
      return List.copyOf(unclassified);
    }
  }

  long events() {
    return events.sum();
  }

  long failures() {
    return bySource.values().stream().mapToLong(PerSource::failed).sum();
  }

  long recoveries() {
    return bySource.values().stream().mapToLong(PerSource::recoveries).sum();
  }

  long issuances() {
    return bySource.values().stream().mapToLong(PerSource::issued).sum();
  }
}
