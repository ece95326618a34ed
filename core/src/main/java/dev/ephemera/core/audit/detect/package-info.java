/**
 * Real-time anomaly detection over audit events: each detector is an {@link
 * dev.ephemera.core.audit.AuditListener} that watches the events of any number of sources and
 * reports what it finds as {@link dev.ephemera.core.audit.AuditEventType#ANOMALY} events to a
 * downstream listener given at build time.
 *
 * <p>Every anomaly event carries the attributes {@code anomaly} (the kind, e.g. {@code
 * issuance-spike}), {@code evidence} (what was seen: counts, paths, durations, previous and new
 * values; never a secret), {@code threshold} (the configured limit) and {@code triggerEventId}, and
 * the source, provider, principal, target, scope, credential id, host, time and outcome of the
 * event that triggered it.
 *
 * <p>Common to all detectors:
 *
 * <ul>
 *   <li>Time comes only from the events' own {@link dev.ephemera.core.audit.AuditEvent#time()}: no
 *       detector reads a clock, so a replay of old audit files or a virtual-time test behaves
 *       exactly as live traffic did.
 *   <li>Memory is bounded: each detector tracks at most {@code maxTracked} keys (sources, paths or
 *       credential ids; 100,000 by default), evicting the least recently seen.
 *   <li>{@code onEvent} never throws: an event a detector cannot make sense of is ignored, and a
 *       downstream listener that throws loses only that anomaly. {@code ANOMALY} events are
 *       themselves ignored, so a detector may feed the same pipeline it watches.
 *   <li>Thread-safe; the downstream listener is called outside any lock.
 * </ul>
 *
 * <p>{@link dev.ephemera.core.audit.detect.AnomalyDetectors#standard} wires all of them with their
 * default thresholds.
 */
@NullMarked
package dev.ephemera.core.audit.detect;

import org.jspecify.annotations.NullMarked;
