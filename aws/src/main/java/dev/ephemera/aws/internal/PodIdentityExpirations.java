package dev.ephemera.aws.internal;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;

/** Parses the container credential {@code Expiration}: RFC 3339 as Go and the SDKs write it. */
final class PodIdentityExpirations {
  private static final DateTimeFormatter COMPACT_OFFSET =
      new DateTimeFormatterBuilder()
          .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
          .appendOffset("+HHMM", "Z")
          .toFormatter();

  private PodIdentityExpirations() {}

  /**
   * RFC 3339 with any fraction of a second (Go's {@code RFC3339Nano}) and {@code Z} or an offset;
   * also the {@code +0000} form the Java SDK accepts.
   *
   * @throws DateTimeException if it is neither
   */
  static Instant parse(String text) {
    try {
      return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeException e) {
      return OffsetDateTime.parse(text, COMPACT_OFFSET).toInstant();
    }
  }
}
