package dev.ephemera.vault.internal;

import dev.ephemera.core.CredentialUnavailableException;
import dev.ephemera.core.CredentialUnavailableException.Reason;
import dev.ephemera.core.Secret;
import dev.ephemera.core.spi.ErrorText;
import io.github.jopenlibs.vault.json.Json;
import io.github.jopenlibs.vault.json.JsonValue;
import java.util.ArrayList;
import java.util.List;

/**
 * Vault's error envelope ({@code {"errors":["..."]}}) and status codes, mapped to {@link
 * CredentialUnavailableException} reasons by core's {@link
 * dev.ephemera.core.spi.http.StatusReasons} with Vault's own overrides (see {@link Operation}): 400
 * CONFIGURATION for logins and reads, REJECTED for renewals; 412 UNAVAILABLE. Retry-After is read
 * by core's {@link dev.ephemera.core.spi.http.RetryAfter}.
 *
 * <p>Messages quote Vault's own errors, sanitized with the secrets the call sent.
 */
final class VaultErrors {
  private VaultErrors() {}

  /** The reason a status means for {@code operation}. */
  static Reason reasonFor(int status, Operation operation) {
    return operation.reasonFor(status);
  }

  /** The exception for an error reply. */
  static CredentialUnavailableException failure(
      Operation operation, String where, Reply reply, Secret... known) {
    String messages = messages(reply.body(), known);
    String text =
        "Vault "
            + operation.description()
            + " at "
            + where
            + " failed with HTTP "
            + reply.status()
            + (messages.isEmpty() ? "" : ": " + messages);
    return new CredentialUnavailableException(
        reasonFor(reply.status(), operation), text, reply.retryAfter(), null);
  }

  /** A malformed-response exception. */
  static CredentialUnavailableException malformed(
      Operation operation, String where, String problem) {
    return new CredentialUnavailableException(
        Reason.MALFORMED_RESPONSE,
        "Vault " + operation.description() + " at " + where + " returned " + problem);
  }

  /**
   * The {@code errors} of an error body, joined with "; " and sanitized; the raw body (sanitized)
   * when it is not Vault's envelope or nests too deeply to parse; empty for no body or {@code
   * {"errors":[]}}.
   */
  static String messages(String body, Secret... known) {
    if (body.isBlank()) {
      return "";
    }
    if (JsonDepth.tooDeep(body)) {
      return ErrorText.sanitize(body, known); // never handed to the recursive parser
    }
    List<String> found = new ArrayList<>();
    try {
      JsonValue root = Json.parse(body);
      JsonValue errors = root.isObject() ? root.asObject().get("errors") : null;
      if (errors == null || !errors.isArray()) {
        return ErrorText.sanitize(body, known);
      }
      for (JsonValue v : errors.asArray()) {
        found.add(v.isString() ? v.asString() : v.toString());
      }
    } catch (RuntimeException e) {
      return ErrorText.sanitize(body, known);
    }
    return ErrorText.sanitize(String.join("; ", found), known);
  }
}
