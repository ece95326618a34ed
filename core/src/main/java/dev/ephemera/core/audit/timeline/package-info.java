/**
 * The forensic timeline: {@link dev.ephemera.core.audit.timeline.AuditTimeline} reads audit files
 * (plain {@code ephemera.audit/v1} JSON lines and {@code ephemera.chain/v1} chain files, mixed)
 * into the life of each credential, and answers an investigation's questions with a {@link
 * dev.ephemera.core.audit.timeline.TimelineQuery}: one credential, principal, target or source
 * (exact matches), a time window, or what was live at a moment. {@code ./audit timeline} is its
 * command line.
 *
 * <p>Everything shown comes from the audit events, which never hold secrets; a chain file's
 * credential ids are keyed fingerprints and are shown and matched as written.
 */
@NullMarked
package dev.ephemera.core.audit.timeline;

import org.jspecify.annotations.NullMarked;
