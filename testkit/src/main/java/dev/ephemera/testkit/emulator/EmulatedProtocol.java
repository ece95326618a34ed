package dev.ephemera.testkit.emulator;

import java.time.Duration;

/**
 * One upstream's behaviour: its normal answers and how it shapes errors. The {@link Emulator}
 * applies faults and keeps the journal; a protocol only speaks its wire format.
 */
public interface EmulatedProtocol {

  /**
   * {@return the normal answer to a request (including the upstream's own errors, like a bad
   * token)}
   *
   * @param request the request as received
   */
  EmulatedResponse handle(EmulatedRequest request);

  /**
   * {@return the upstream's error envelope for {@code status} (e.g. STS XML for 503)}
   *
   * @param status the HTTP status
   * @param request the request as received
   */
  EmulatedResponse error(int status, EmulatedRequest request);

  /**
   * {@return the upstream's throttling response, with {@code retryAfter} as its hint}
   *
   * @param retryAfter how long the upstream asked to wait, or null
   * @param request the request as received
   */
  EmulatedResponse throttled(Duration retryAfter, EmulatedRequest request);

  /**
   * {@return a normal-looking success whose credential has already expired}
   *
   * @param request the request as received
   */
  EmulatedResponse expiredCredential(EmulatedRequest request);

  /**
   * {@return a body of the right content type that cannot be parsed}
   *
   * @param request the request as received
   */
  default EmulatedResponse malformed(EmulatedRequest request) {
    EmulatedResponse normal = handle(request);
    return normal.withBody("<<not the expected format>> {\"oops\": [1, 2");
  }
}
