package dev.ephemera.core.spi.http;

import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * HTTP dates (RFC 9110 §5.6.7, the IMF-fixdate form {@code Sun, 06 Nov 1994 08:49:37 GMT}), as sent
 * in {@code Date} and {@code Retry-After}. Parsing never throws: anything that is not such a date,
 * or longer than a date can be, is empty.
 */
public final class HttpDate {
  /** Longer values are not dates; they are refused before parsing. */
  static final int MAX_LENGTH = 64;

  private HttpDate() {}

  /**
   * {@return the instant {@code value} names, or empty if it is absent, malformed or hostile}
   *
   * @param value the value
   */
  public static Optional<Instant> parse(@Nullable String value) {
    if (value == null) {
      return Optional.empty();
    }
    String v = value.trim();
    if (v.isEmpty() || v.length() > MAX_LENGTH) {
      return Optional.empty();
    }
    try {
      return Optional.of(ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
    } catch (DateTimeParseException | ArithmeticException e) {
      return Optional.empty();
    }
  }
}
