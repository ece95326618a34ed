package dev.ephemera.testkit.emulator;

import java.time.Duration;

/**
 * One upstream's behaviour: its normal answers and how it shapes errors. The {@link Emulator}
 * applies faults and keeps the journal; a protocol only speaks its wire format.
 */
public interface EmulatedProtocol {

  /** The normal answer to a request (including the upstream's own errors, like a bad token). */
  EmulatedResponse handle(EmulatedRequest request);

  /** The upstream's error envelope for {@code status} (e.g. STS XML for 503). */
  EmulatedResponse error(int status, EmulatedRequest request);

  /** The upstream's throttling response, with {@code retryAfter} as its hint. */
  EmulatedResponse throttled(Duration retryAfter, EmulatedRequest request);

  /** A normal-looking success whose credential has already expired. */
  EmulatedResponse expiredCredential(EmulatedRequest request);

  /** A body of the right content type that cannot be parsed. */
  default EmulatedResponse malformed(EmulatedRequest request) {
    EmulatedResponse normal = handle(request);
    return normal.withBody("<<not the expected format>> {\"oops\": [1, 2");
  }
}
