package dev.ephemera.gcp.internal;

import com.google.api.client.json.GenericJson;
import com.google.api.client.json.gson.GsonFactory;
import dev.ephemera.core.CredentialException;
import dev.ephemera.core.CredentialUnavailableException;
import dev.ephemera.core.CredentialUnavailableException.Reason;
import dev.ephemera.core.Secret;
import dev.ephemera.core.spi.ErrorText;
import dev.ephemera.core.spi.http.BoundedBody;
import dev.ephemera.core.spi.http.StatusReasons;
import dev.ephemera.core.spi.http.WireRecorder;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Turns what happened on the wire (a {@link WireRecorder.Exchange}) and what the library threw into
 * a typed, sanitized, classified {@link CredentialUnavailableException}.
 *
 * <p>An error status is classified by core's {@link StatusReasons} (400/401/403 and other 4xx
 * REJECTED, 404/405 CONFIGURATION, 408 TIMEOUT, 429 THROTTLED, 5xx UNAVAILABLE), with what Google
 * documents otherwise:
 *
 * <table>
 *   <caption>Google's own rules</caption>
 *   <tr><th>upstream</th><th>answer</th><th>reason</th></tr>
 *   <tr><td>STS</td><td>4xx with OAuth {@code error} invalid_request, invalid_target,
 *       invalid_scope, unsupported_grant_type, unsupported_token_type</td><td>CONFIGURATION</td></tr>
 *   <tr><td>STS</td><td>4xx with invalid_grant, invalid_client, unauthorized_client,
 *       access_denied</td><td>REJECTED</td></tr>
 *   <tr><td>IAM Credentials</td><td>400 INVALID_ARGUMENT (e.g. a lifetime above the org
 *       policy)</td><td>CONFIGURATION</td></tr>
 *   <tr><td>any</td><td>no connection</td><td>UNAVAILABLE</td></tr>
 *   <tr><td>any</td><td>read or connect timeout, a body still arriving at the read
 *       timeout</td><td>TIMEOUT</td></tr>
 *   <tr><td>any</td><td>a 2xx the library cannot parse, a body above its bound, a body that is
 *       not the gzip it says</td><td>MALFORMED_RESPONSE</td></tr>
 *   <tr><td>any</td><td>a request the endpoint policy refuses</td><td>CONFIGURATION</td></tr>
 * </table>
 *
 * <p>A {@code Retry-After} on any error answer is read by the exchange (core's one parser, against
 * the upstream's {@code Date}) and passed on as the hint.
 */
final class GoogleErrors {
  /** The upstream an error came from. */
  enum Upstream {
    /** The GCE/GKE metadata server: the standard table (its 404 is an unbound service account). */
    METADATA("the metadata server", StatusReasons.standard()),
    /** Google STS: OAuth error codes first, then the standard table. */
    STS("Google STS", StatusReasons.standard()),
    /** IAM Credentials: 400 INVALID_ARGUMENT names a bad setting. */
    IAM("IAM Credentials", StatusReasons.standard().with(400, Reason.CONFIGURATION));

    private final String label;
    private final StatusReasons statuses;

    Upstream(String label, StatusReasons statuses) {
      this.label = label;
      this.statuses = statuses;
    }
  }

  private GoogleErrors() {}

  /**
   * Classifies a failed call.
   *
   * @param upstream who was called
   * @param action what was asked, e.g. {@code "an access token for app@p.iam.gserviceaccount.com"}
   * @param exchange what happened on the wire
   * @param thrown what the library threw
   * @param now the local time, to read a {@code Retry-After} date when the answer had no {@code
   *     Date}
   * @param known secret values that must not appear in the message
   */
  static CredentialUnavailableException classify(
      Upstream upstream,
      String action,
      WireRecorder.Exchange exchange,
      Throwable thrown,
      Instant now,
      Secret... known) {
    if (thrown instanceof CredentialUnavailableException own) {
      return own;
    }
    String where = upstream.label + exchange.uri().map(u -> " at " + endpoint(u)).orElse("");
    int status = exchange.status();
    CredentialException cause = ErrorText.scrub(thrown);
    Optional<IOException> failure = exchange.failure();
    if (failure.isPresent() && failure.get() instanceof BoundedBody.TooLargeException big) {
      return new CredentialUnavailableException(
          Reason.MALFORMED_RESPONSE,
          where
              + " answered HTTP "
              + status
              + " to a request for "
              + action
              + " with a body longer than "
              + big.limit()
              + " bytes; it was not read further",
          cause);
    }
    if (failure.isPresent() && failure.get() instanceof ResponseBody.UndecodableException) {
      return new CredentialUnavailableException(
          Reason.MALFORMED_RESPONSE,
          where
              + " answered HTTP "
              + status
              + " to a request for "
              + action
              + " with a body that is not the gzip it says it is",
          cause);
    }
    if (failure.isPresent() || status < 0) {
      Throwable io = failure.isPresent() ? failure.get() : thrown;
      String detail = ErrorText.describe(io);
      if (io instanceof GuardedClient.RefusedException) {
        return new CredentialUnavailableException(
            Reason.CONFIGURATION, "cannot ask " + where + " for " + action + ": " + detail, cause);
      }
      // SocketTimeoutException and Apache's ConnectTimeoutException are InterruptedIOExceptions.
      if (io instanceof InterruptedIOException) {
        return new CredentialUnavailableException(
            Reason.TIMEOUT, where + " did not answer in time for " + action + ": " + detail, cause);
      }
      return new CredentialUnavailableException(
          Reason.UNAVAILABLE, "cannot reach " + where + " for " + action + ": " + detail, cause);
    }
    if (status >= 200 && status < 300) {
      return new CredentialUnavailableException(
          Reason.MALFORMED_RESPONSE,
          where
              + " answered "
              + status
              + " to a request for "
              + action
              + " with a body that is not the expected format: "
              + ErrorText.sanitize(thrown.getMessage(), known),
          cause);
    }
    String body = exchange.errorBody().orElse(null);
    ErrorBody error = ErrorBody.parse(body);
    String detail =
        error.code.isEmpty()
            ? ErrorText.sanitize(body, known)
            : error.code
                + (error.message.isEmpty() ? "" : ": " + ErrorText.sanitize(error.message, known));
    String message =
        where
            + " refused "
            + action
            + " (HTTP "
            + status
            + (detail.isEmpty() ? ")" : ", " + detail + ")");
    Reason reason =
        upstream == Upstream.STS
            ? stsReason(error.code, status)
            : upstream.statuses.reasonFor(status);
    if (upstream == Upstream.METADATA && status == 404) {
      message +=
          "; the pod's Kubernetes service account may not be bound to a Google service account";
    }
    Duration retryAfter = exchange.retryAfter(now).orElse(null);
    return new CredentialUnavailableException(reason, message, retryAfter, cause);
  }

  /**
   * STS's OAuth {@code error} code, for the 4xx answers OAuth defines them for; otherwise, and for
   * codes not listed, the standard table.
   */
  private static Reason stsReason(String code, int status) {
    boolean oauthError = status >= 400 && status < 500 && status != 408 && status != 429;
    if (oauthError) {
      switch (code) {
        case "invalid_request",
            "invalid_target",
            "invalid_scope",
            "unsupported_grant_type",
            "unsupported_token_type" -> {
          return Reason.CONFIGURATION;
        }
        case "invalid_grant", "invalid_client", "unauthorized_client", "access_denied" -> {
          return Reason.REJECTED;
        }
        default -> {
          // not an OAuth code we know: by status
        }
      }
    }
    return Upstream.STS.statuses.reasonFor(status);
  }

  /** A response that arrived but lacked what a metadata server always sends. */
  static CredentialUnavailableException notMetadataServer(WireRecorder.Exchange exchange) {
    return new CredentialUnavailableException(
        Reason.MALFORMED_RESPONSE,
        exchange.uri().map(GoogleErrors::endpoint).orElse("the endpoint")
            + " answered without the Metadata-Flavor: Google header: it is not a metadata server");
  }

  /** scheme://host:port/path, without the query. */
  static String endpoint(URI uri) {
    return uri.getScheme()
        + "://"
        + uri.getRawAuthority()
        + (uri.getRawPath() == null ? "" : uri.getRawPath());
  }

  /**
   * An OAuth ({@code error}, {@code error_description}) or Google API ({@code error.status}) body.
   */
  private record ErrorBody(String code, String message) {
    static ErrorBody parse(@Nullable String body) {
      if (body == null || body.isBlank() || body.strip().charAt(0) != '{') {
        return new ErrorBody("", "");
      }
      try {
        GenericJson json =
            GsonFactory.getDefaultInstance()
                .createJsonParser(body)
                .parseAndClose(GenericJson.class);
        Object error = json.get("error");
        if (error instanceof String code) {
          Object d = json.get("error_description");
          return new ErrorBody(code, d instanceof String s ? s : "");
        }
        if (error instanceof Map<?, ?> m) {
          Object s = m.get("status");
          Object msg = m.get("message");
          return new ErrorBody(s instanceof String st ? st : "", msg instanceof String t ? t : "");
        }
      } catch (IOException | RuntimeException e) {
        // not JSON after all: the raw text is used
      }
      return new ErrorBody("", "");
    }
  }
}
