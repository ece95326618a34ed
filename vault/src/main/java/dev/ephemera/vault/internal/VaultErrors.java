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
 * CredentialUnavailableException} reasons:
 *
 * <table>
 *   <caption>Status to reason</caption>
 *   <tr><th>status</th><th>reason</th></tr>
 *   <tr><td>400</td><td>depends on the call: CONFIGURATION for logins and reads (bad role, path,
 *       secret id), REJECTED for renewals (lease or token cannot be extended)</td></tr>
 *   <tr><td>401, 403</td><td>REJECTED (permission denied, invalid JWT, revoked token)</td></tr>
 *   <tr><td>404, 405</td><td>CONFIGURATION (no such mount, path or method)</td></tr>
 *   <tr><td>408</td><td>TIMEOUT</td></tr>
 *   <tr><td>412, 5xx (503 sealed)</td><td>UNAVAILABLE, Retry-After honoured (core's RetryAfter)</td></tr>
 *   <tr><td>429</td><td>THROTTLED, Retry-After honoured</td></tr>
 *   <tr><td>other 4xx</td><td>REJECTED</td></tr>
 * </table>
 *
 * <p>Messages quote Vault's own errors, sanitized with the secrets the call sent.
 */
public final class VaultErrors {
  private VaultErrors() {}

  /** The reason a status means for {@code operation}. */
  public static Reason reasonFor(int status, Operation operation) {
    if (status == 400) {
      return operation.badRequest();
    }
    if (status == 401 || status == 403) {
      return Reason.REJECTED;
    }
    if (status == 404 || status == 405) {
      return Reason.CONFIGURATION;
    }
    if (status == 408) {
      return Reason.TIMEOUT;
    }
    if (status == 429) {
      return Reason.THROTTLED;
    }
    if (status == 412 || status >= 500) {
      return Reason.UNAVAILABLE;
    }
    return Reason.REJECTED;
  }

  /** The exception for an error reply. */
  public static CredentialUnavailableException failure(
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
  public static CredentialUnavailableException malformed(
      Operation operation, String where, String problem) {
    return new CredentialUnavailableException(
        Reason.MALFORMED_RESPONSE,
        "Vault " + operation.description() + " at " + where + " returned " + problem);
  }

  /**
   * The {@code errors} of an error body, joined with "; " and sanitized; the raw body (sanitized)
   * when it is not Vault's envelope; empty for no body or {@code {"errors":[]}}.
   */
  static String messages(String body, Secret... known) {
    if (body.isBlank()) {
      return "";
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
