package dev.ephemera.core.audit.timeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DateTimeException;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class InstantsTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "2026-01-01T03:12:00Z",
        "1970-01-01T00:00:00Z",
        "1969-12-31T23:59:59.999999999Z",
        "2024-02-29T12:34:56.7Z",
        "2030-06-15T08:09:10.123Z",
        "2030-06-15T08:09:10.123456Z",
        "+10000-01-01T00:00:00Z",
        "2026-01-01T03:12:00+02:00",
        "2016-12-31T23:59:60Z",
        "2026-01-01T24:00:00Z",
        "2026-01-01T00:00:00.Z"
      })
  void parse_agreesWithInstantParse(String text) {
    assertThat(Instants.parse(text)).isEqualTo(Instant.parse(text));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2026-02-30T00:00:00Z",
        "2026-13-01T00:00:00Z",
        "2026-01-01T00:60:00Z",
        "2026-01-01T00:00:00.1234567890Z",
        "2026-0a-01T00:00:00Z",
        "2026-01-01 00:00:00Z",
        "yesterday"
      })
  void parse_refusesWhatInstantParseRefuses(String text) {
    assertThatThrownBy(() -> Instant.parse(text)).isInstanceOf(DateTimeException.class);
    assertThatThrownBy(() -> Instants.parse(text)).isInstanceOf(DateTimeException.class);
  }
}
