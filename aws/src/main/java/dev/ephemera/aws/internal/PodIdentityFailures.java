package dev.ephemera.aws.internal;

import dev.ephemera.core.CredentialUnavailableException.Reason;
import dev.ephemera.core.spi.http.StatusReasons;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The reason for an error answer of the EKS Pod Identity agent: the EKS Auth error code the agent
 * passes through in its body ({@code [request-id]: (Code): message, fault: client}) where it says
 * more than the status, else core's {@link StatusReasons} table.
 *
 * <p>The one code read: {@code ExpiredTokenException} is transient (UNAVAILABLE) whatever its
 * status, because the kubelet may have rotated the token file since, and the next attempt re-reads
 * it. Every other code ({@code InvalidTokenException}, {@code AccessDeniedException}, {@code
 * ResourceNotFoundException}, ...) is classified by its status.
 */
final class PodIdentityFailures {
  /** The agent documents no status of its own: the standard table. */
  private static final StatusReasons STATUS = StatusReasons.standard();

  /**
   * The first parenthesized code in the agent's error text, e.g. {@code (InvalidTokenException)}.
   */
  private static final Pattern CODE = Pattern.compile("\\(([A-Z][A-Za-z]{0,63}Exception)\\)");

  /** Only the start of a body is looked at: the code comes right after the request id. */
  private static final int LOOK_AT = 512;

  private PodIdentityFailures() {}

  /** The reason for an answer with {@code status} and {@code body}. */
  static Reason reasonFor(int status, String body) {
    if (code(body).filter("ExpiredTokenException"::equals).isPresent()) {
      return Reason.UNAVAILABLE;
    }
    return STATUS.reasonFor(status);
  }

  /** The EKS Auth error code in the agent's error body, if it has one. */
  static Optional<String> code(String body) {
    Matcher m = CODE.matcher(body.length() > LOOK_AT ? body.substring(0, LOOK_AT) : body);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }
}
