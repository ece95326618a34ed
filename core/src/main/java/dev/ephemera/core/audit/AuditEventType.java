package dev.ephemera.core.audit;

/** What an {@link AuditEvent} records. */
public enum AuditEventType {
  /** A new credential was obtained (a first issuance or a rotation to a new id). */
  ISSUED,
  /** The held credential was extended, or the upstream handed back the same credential. */
  RENEWED,
  /** An issuance or renewal attempt failed; the error says why and whether it is terminal. */
  REFRESH_FAILED,
  /** The held credential reached its expiry margin with no replacement; it is no longer served. */
  EXPIRED,
  /** A credential was revoked at the upstream (or revocation failed: see the outcome). */
  REVOKED,
  /** The source was closed. */
  CLOSED,
  /** A secret was read (a Vault KV read): path and version, never the value. */
  SECRET_READ,
  /** A periodic summary of access (counts per source or path). */
  ACCESS_SUMMARY,
  /** Something unexpected: clock skew, an already-expired credential, dropped audit events. */
  ANOMALY
}
