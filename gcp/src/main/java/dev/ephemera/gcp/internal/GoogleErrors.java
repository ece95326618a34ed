package dev.ephemera.gcp.internal;

import com.google.api.client.json.GenericJson;
import com.google.api.client.json.gson.GsonFactory;
import dev.ephemera.core.CredentialException;
import dev.ephemera.core.CredentialUnavailableException;
import dev.ephemera.core.CredentialUnavailableException.Reason;
import dev.ephemera.core.Secret;
import dev.ephemera.core.spi.ErrorText;
import dev.ephemera.core.spi.http.RetryAfter;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Turns what happened on the wire (an {@link GoogleHttp.Exchange}) and what the library threw into
 * a typed, sanitized, classified {@link CredentialUnavailableException}.
 *
 * <table>
 *   <caption>Classification</caption>
 *   <tr><th>upstream</th><th>answer</th><th>reason</th></tr>
 *   <tr><td>any</td><td>no connection, 5xx, 408</td><td>UNAVAILABLE</td></tr>
 *   <tr><td>any</td><td>read or connect timeout</td><td>TIMEOUT</td></tr>
 *   <tr><td>any</td><td>429</td><td>THROTTLED (Retry-After read by core's {@link RetryAfter})</td></tr>
 *   <tr><td>any</td><td>2xx the library cannot parse, bad RFC 3339 time</td><td>MALFORMED_RESPONSE</td></tr>
 *   <tr><td>metadata server</td><td>404 (no such service account)</td><td>CONFIGURATION</td></tr>
 *   <tr><td>metadata server</td><td>403, 400, 401</td><td>REJECTED</td></tr>
 *   <tr><td>STS</td><td>invalid_request, invalid_target, invalid_scope, unsupported_*</td><td>CONFIGURATION</td></tr>
 *   <tr><td>STS</td><td>invalid_grant, unauthorized_client, access_denied, other 4xx</td><td>REJECTED</td></tr>
 *   <tr><td>IAM Credentials</td><td>404 NOT_FOUND, 400 INVALID_ARGUMENT</td><td>CONFIGURATION</td></tr>
 *   <tr><td>IAM Credentials</td><td>401, 403 PERMISSION_DENIED, other 4xx</td><td>REJECTED</td></tr>
 * </table>
 */
public final class GoogleErrors {
  /** The upstream an error came from. */
  public enum Upstream {
    /** The GCE/GKE metadata server. */
    METADATA("the metadata server"),
    /** Google STS. */
    STS("Google STS"),
    /** IAM Credentials. */
    IAM("IAM Credentials");

    private final String label;

    Upstream(String label) {
      this.label = label;
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
  public static CredentialUnavailableException classify(
      Upstream upstream,
      String action,
      GoogleHttp.Exchange exchange,
      Throwable thrown,
      Instant now,
      Secret... known) {
    if (thrown instanceof CredentialUnavailableException own) {
      return own;
    }
    URI uri = exchange.uri();
    String where = upstream.label + (uri == null ? "" : " at " + endpoint(uri));
    int status = exchange.status();
    CredentialException cause = ErrorText.scrub(thrown);
    if (exchange.failure() != null || status < 0) {
      Throwable io = exchange.failure() != null ? exchange.failure() : thrown;
      String detail = ErrorText.describe(io);
      if (io instanceof GoogleHttp.InsecureEndpointException) {
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
    String body = exchange.errorBody();
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
    if (status == 429) {
      Instant upstreamNow = exchange.upstreamTime();
      return new CredentialUnavailableException(
          Reason.THROTTLED,
          message,
          RetryAfter.parse(exchange.header("Retry-After"), upstreamNow != null ? upstreamNow : now)
              .orElse(null),
          cause);
    }
    if (status >= 500 || status == 408) {
      return new CredentialUnavailableException(Reason.UNAVAILABLE, message, cause);
    }
    Reason reason =
        switch (upstream) {
          case METADATA -> status == 404 ? Reason.CONFIGURATION : Reason.REJECTED;
          case STS ->
              switch (error.code) {
                case "invalid_request",
                    "invalid_target",
                    "invalid_scope",
                    "unsupported_grant_type",
                    "unsupported_token_type" ->
                    Reason.CONFIGURATION;
                default -> Reason.REJECTED;
              };
          case IAM -> status == 404 || status == 400 ? Reason.CONFIGURATION : Reason.REJECTED;
        };
    if (upstream == Upstream.METADATA && status == 404) {
      message +=
          "; the pod's Kubernetes service account may not be bound to a Google service account";
    }
    return new CredentialUnavailableException(reason, message, cause);
  }

  /** A response that arrived but lacked what a metadata server always sends. */
  public static CredentialUnavailableException notMetadataServer(GoogleHttp.Exchange exchange) {
    URI uri = exchange.uri();
    return new CredentialUnavailableException(
        Reason.MALFORMED_RESPONSE,
        (uri == null ? "the endpoint" : endpoint(uri))
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
