package dev.ephemera.core.audit;

import java.util.Objects;

/**
 * The error part of an audit event: sanitized, never secret.
 *
 * @param type the exception's simple class name
 * @param reason the {@link dev.ephemera.core.CredentialUnavailableException.Reason} name, or empty
 * @param terminal whether retrying soon cannot help
 * @param message the sanitized message
 */
public record AuditError(String type, String reason, boolean terminal, String message) {
  /**
   * Validates that no field is null.
   *
   * @param message the sanitized message
   * @param reason the {@link dev.ephemera.core.CredentialUnavailableException.Reason} name, or
   *     empty
   * @param terminal whether retrying soon cannot help
   * @param type the exception's simple class name
   */
  public AuditError {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(message, "message");
  }
}
