/**
 * Structured audit events: every issuance, renewal, failure, expiry, revocation and secret read.
 *
 * <p>An {@link dev.ephemera.core.audit.AuditEvent} (schema {@code ephemera.audit/v1}) never carries
 * a secret: credentials appear by {@linkplain dev.ephemera.core.Credential#id() id} and error
 * messages are sanitized. Listeners are called off the hot path, one at a time, each isolated: one
 * that throws or blocks cannot fail or slow credential use; events that cannot be queued are
 * dropped, counted and reported in an {@link dev.ephemera.core.audit.AuditEventType#ANOMALY} event.
 */
@NullMarked
package dev.ephemera.core.audit;

import org.jspecify.annotations.NullMarked;
