package dev.ephemera.core.audit;

/** Whether the audited action succeeded. */
public enum AuditOutcome {
  /** It succeeded. */
  SUCCESS,
  /** It failed; {@link AuditEvent#error()} says how. */
  FAILURE
}
