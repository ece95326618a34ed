package dev.ephemera.core;

import java.time.Instant;
import java.util.Map;

/**
 * A short-lived credential. Implementations are immutable; their {@code toString()} shows {@link
 * #id()} and times, never secret material.
 *
 * <p>{@link #id()} identifies the credential without revealing it (an AWS access key id, a Vault
 * accessor, a SHA-256 fingerprint). A change of id is a rotation; an issuance that returns the same
 * id is a renewal of the credential already held.
 */
public interface Credential {

  /** {@return a non-secret identifier, stable for the life of this credential} */
  String id();

  /**
   * {@return when the credential was issued, as well as is known (the upstream's time or the local
   * one)}
   */
  Instant issuedAt();

  /** {@return when the upstream says the credential stops working} */
  Instant expiresAt();

  /**
   * {@return non-secret facts an audit event should carry about this credential (for example the
   * assumed role's ARN or the upstream's request id)} Empty by default.
   */
  default Map<String, String> auditAttributes() {
    return Map.of();
  }
}
