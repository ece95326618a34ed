package dev.ephemera.core.spi.http;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The one reading of a {@code Retry-After} hint for every backend: delay-seconds or an HTTP date
 * (RFC 9110 §10.2.3), never negative, capped at {@link #CAP}, never throws.
 *
 * <p>A number too large to represent, or a date in year 9999, is the cap; a date in the past is
 * zero; a negative number, a fraction or garbage is no hint at all (empty). The refresh engine caps
 * the hint again by its policy's {@code maxRetryAfter}.
 */
public final class RetryAfter {
  /** The longest hint this parser returns. */
  public static final Duration CAP = Duration.ofHours(1);

  private static final int MAX_DIGITS = 18; // fits a long without overflow

  private RetryAfter() {}

  /**
   * {@return the delay {@code value} asks for}
   *
   * @param value the header value, or null when the header is absent
   * @param now the local time, to turn a date into a delay
   */
  public static Optional<Duration> parse(@Nullable String value, Instant now) {
    if (value == null) {
      return Optional.empty();
    }
    String v = value.trim();
    if (v.isEmpty()) {
      return Optional.empty();
    }
    if (isDigits(v)) {
      return Optional.of(seconds(v));
    }
    return HttpDate.parse(v).map(at -> between(now, at));
  }

  /**
   * {@return a hint given in whole seconds as a number (a JSON field), capped; negative is empty}
   *
   * @param seconds the seconds
   */
  public static Optional<Duration> ofSeconds(long seconds) {
    if (seconds < 0) {
      return Optional.empty();
    }
    return Optional.of(seconds >= CAP.getSeconds() ? CAP : Duration.ofSeconds(seconds));
  }

  private static boolean isDigits(String v) {
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  private static Duration seconds(String digits) {
    int start = 0;
    while (start < digits.length() - 1 && digits.charAt(start) == '0') {
      start++;
    }
    String d = digits.substring(start);
    if (d.length() > MAX_DIGITS) {
      return CAP;
    }
    long s = Long.parseLong(d);
    return s >= CAP.getSeconds() ? CAP : Duration.ofSeconds(s);
  }

  private static Duration between(Instant now, Instant at) {
    if (!at.isAfter(now)) {
      return Duration.ZERO;
    }
    Duration d = Duration.between(now, at);
    return d.compareTo(CAP) > 0 ? CAP : d;
  }
}
