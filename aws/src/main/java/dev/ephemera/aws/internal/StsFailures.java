package dev.ephemera.aws.internal;

import dev.ephemera.core.CredentialUnavailableException;
import dev.ephemera.core.CredentialUnavailableException.Reason;
import dev.ephemera.core.Secret;
import dev.ephemera.core.spi.ErrorText;
import dev.ephemera.core.spi.http.BoundedBody;
import dev.ephemera.core.spi.http.HttpDate;
import dev.ephemera.core.spi.http.RetryAfter;
import dev.ephemera.core.spi.http.StatusReasons;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import javax.xml.stream.XMLStreamException;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * Maps what the SDK's STS client throws to a {@link CredentialUnavailableException} with the reason
 * PROTOCOLS.md gives each STS error code, falling back to core's {@link StatusReasons} table for a
 * code it does not know. Messages carry the code, STS's sanitized message and the request id; never
 * the web identity token.
 */
final class StsFailures {
  /** STS documents no status of its own: the standard table. */
  private static final StatusReasons STATUS = StatusReasons.standard();

  private StsFailures() {}

  /** The reason for an STS error code, or for an HTTP status when the code is unknown. */
  static Reason reasonFor(String code, int status) {
    return switch (code) {
      // The token did not validate; re-read at the next attempt (the engine's terminal backoff).
      case "InvalidIdentityToken",
          "IDPRejectedClaim",
          "AccessDenied",
          "AccessDeniedException",
          "RegionDisabledException",
          "InvalidClientTokenId" ->
          Reason.REJECTED;
      // STS saw an expired token: the kubelet may have rotated the file; the next attempt
      // re-reads it, so this is worth a prompt retry.
      case "ExpiredTokenException",
          "IDPCommunicationError",
          "InternalFailure",
          "ServiceUnavailable",
          "InternalError" ->
          Reason.UNAVAILABLE;
      case "Throttling",
          "ThrottlingException",
          "RequestThrottled",
          "RequestThrottledException",
          "TooManyRequestsException",
          "RequestLimitExceeded" ->
          Reason.THROTTLED;
      case "MalformedPolicyDocument",
          "PackedPolicyTooLarge",
          "ValidationError",
          "InvalidParameterValue",
          "MissingParameter",
          "InvalidAction" ->
          Reason.CONFIGURATION;
      default -> STATUS.reasonFor(status);
    };
  }

  /**
   * Maps an SDK failure.
   *
   * @param roleArn for the message
   * @param sent the web identity token sent, scrubbed from any text kept
   * @param now the local time, to read a {@code Retry-After} date when STS sent no {@code Date}
   */
  static CredentialUnavailableException map(
      SdkException e, String roleArn, Secret sent, Instant now) {
    if (e instanceof AwsServiceException service) {
      AwsErrorDetails details = service.awsErrorDetails();
      String code = details == null || details.errorCode() == null ? "" : details.errorCode();
      String message = ErrorText.sanitize(details == null ? null : details.errorMessage(), sent);
      int status = service.statusCode();
      Reason reason = reasonFor(code, status);
      return new CredentialUnavailableException(
          reason,
          "STS AssumeRoleWithWebIdentity for "
              + roleArn
              + " failed: HTTP "
              + status
              + (code.isEmpty() ? "" : " " + code)
              + (message.isEmpty() ? "" : ": " + message)
              + (service.requestId() == null ? "" : " (request id " + service.requestId() + ")")
              + hint(code),
          reason == Reason.THROTTLED || reason == Reason.UNAVAILABLE
              ? retryAfter(details, now)
              : null,
          ErrorText.scrub(e));
    }
    IOException refused = refusedBody(e);
    if (refused != null) {
      return new CredentialUnavailableException(
          Reason.MALFORMED_RESPONSE,
          "STS AssumeRoleWithWebIdentity for "
              + roleArn
              + " got an answer refused unparsed: "
              + ErrorText.sanitize(refused.getMessage(), sent),
          null,
          ErrorText.scrub(e));
    }
    Reason reason = clientReason(e);
    return new CredentialUnavailableException(
        reason,
        "STS AssumeRoleWithWebIdentity for "
            + roleArn
            + (switch (reason) {
              case TIMEOUT -> " timed out: ";
              case MALFORMED_RESPONSE -> " got a response that is not STS XML: ";
              default -> " could not reach STS: ";
            })
            + ErrorText.sanitize(rootMessage(e), sent),
        null,
        ErrorText.scrub(e));
  }

  /** The SDK's XML parser overflowed its stack on STS's answer: a malformed answer. */
  static CredentialUnavailableException tooDeep(String roleArn) {
    return new CredentialUnavailableException(
        Reason.MALFORMED_RESPONSE,
        "STS AssumeRoleWithWebIdentity for "
            + roleArn
            + " got an answer nested too deep for the SDK's XML parser (it overflowed its stack)");
  }

  /** What the SDK threw that is not an {@link SdkException}: a transient failure, scrubbed. */
  static CredentialUnavailableException unexpected(
      RuntimeException e, String roleArn, Secret sent) {
    return new CredentialUnavailableException(
        Reason.UNAVAILABLE,
        "STS AssumeRoleWithWebIdentity for "
            + roleArn
            + " failed inside the SDK: "
            + ErrorText.sanitize(rootMessage(e), sent),
        null,
        ErrorText.scrub(e));
  }

  /**
   * STS's {@code Retry-After}, read by core's one parser; a date is counted from STS's own {@code
   * Date} when it sent one. STS rarely sends it, but a proxy in front of it may.
   */
  private static @Nullable Duration retryAfter(@Nullable AwsErrorDetails details, Instant now) {
    SdkHttpResponse http = details == null ? null : details.sdkHttpResponse();
    if (http == null) {
      return null;
    }
    Instant at = http.firstMatchingHeader("Date").flatMap(HttpDate::parse).orElse(now);
    return RetryAfter.parse(http.firstMatchingHeader("Retry-After").orElse(null), at).orElse(null);
  }

  private static String hint(String code) {
    return switch (code) {
      case "ExpiredTokenException" -> "; the projected token file is re-read at the next attempt";
      case "AccessDenied" ->
          "; check the role's trust policy allows this service account's sub and audience";
      case "RegionDisabledException" -> "; activate STS in this region or use another region";
      default -> "";
    };
  }

  /** The bounded read's refusal (too long, nested too deep) among the causes, if any. */
  private static @Nullable IOException refusedBody(Throwable e) {
    int depth = 0;
    for (Throwable t = e; t != null && depth < 16; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof BoundedBody.TooLargeException || t instanceof XmlNesting.TooDeepException) {
        return (IOException) t;
      }
      depth++;
    }
    return null;
  }

  private static Reason clientReason(SdkException e) {
    if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
      return Reason.TIMEOUT;
    }
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SocketTimeoutException || t instanceof InterruptedIOException) {
        return Reason.TIMEOUT;
      }
      if (t instanceof XMLStreamException) {
        return Reason.MALFORMED_RESPONSE;
      }
      if (t instanceof IOException) {
        return Reason.UNAVAILABLE;
      }
    }
    String m = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
    if (e instanceof SdkClientException && (m.contains("parse") || m.contains("unmarshall"))) {
      return Reason.MALFORMED_RESPONSE;
    }
    return Reason.UNAVAILABLE;
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String m = root.getMessage();
    String top = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return root == e || m == null
        ? top
        : top + " (" + root.getClass().getSimpleName() + ": " + m + ")";
  }
}
