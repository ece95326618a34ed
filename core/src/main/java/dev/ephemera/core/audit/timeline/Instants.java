package dev.ephemera.core.audit.timeline;

import java.time.Instant;
import java.time.LocalDate;

/**
 * Parses the instants of audit lines: the form {@link Instant#toString()} writes ({@code
 * 2026-01-01T03:12:00Z}, with 0 to 9 fraction digits) directly, anything else through {@link
 * Instant#parse}. A day of audit holds hundreds of thousands of them, and {@code Instant.parse} is
 * the slowest step of reading one.
 */
final class Instants {
  private Instants() {}

  /**
   * {@return the instant {@code text} names}
   *
   * @throws java.time.DateTimeException if it names none
   */
  static Instant parse(String text) {
    int n = text.length();
    if (n < 20
        || text.charAt(4) != '-'
        || text.charAt(7) != '-'
        || text.charAt(10) != 'T'
        || text.charAt(13) != ':'
        || text.charAt(16) != ':'
        || text.charAt(n - 1) != 'Z') {
      return Instant.parse(text);
    }
    int year = digits(text, 0, 4);
    int month = digits(text, 5, 7);
    int day = digits(text, 8, 10);
    int hour = digits(text, 11, 13);
    int minute = digits(text, 14, 16);
    int second = digits(text, 17, 19);
    int nanos = 0;
    if (n > 20) {
      int fraction = n - 21; // digits between '.' and 'Z'
      if (text.charAt(19) != '.' || fraction < 1 || fraction > 9) {
        return Instant.parse(text);
      }
      nanos = digits(text, 20, n - 1);
      for (int i = fraction; i < 9; i++) {
        nanos = nanos < 0 ? -1 : nanos * 10;
      }
    } else if (text.charAt(19) != 'Z') {
      return Instant.parse(text);
    }
    if (year < 0
        || month < 0
        || day < 0
        || hour < 0
        || hour > 23
        || minute < 0
        || minute > 59
        || second < 0
        || second > 59
        || nanos < 0) {
      return Instant.parse(text); // a leap second, or not digits: Instant.parse decides
    }
    long epochDay = LocalDate.of(year, month, day).toEpochDay();
    return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3600L + minute * 60L + second, nanos);
  }

  /** {@return the number in {@code text[from, to)}, or -1 when a char is not an ASCII digit} */
  private static int digits(String text, int from, int to) {
    int value = 0;
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }
}
