package dev.ephemera.core.spi.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** HTTP dates as sent in Date and Retry-After: parsed, or empty; never an exception. */
class HttpDateTest {

  @Test
  void parse_readsTheImfFixdateForm() {
    assertThat(HttpDate.parse("Sun, 06 Nov 1994 08:49:37 GMT"))
        .contains(Instant.parse("1994-11-06T08:49:37Z"));
    assertThat(HttpDate.parse("  Thu, 01 Jan 2026 00:00:30 GMT "))
        .contains(Instant.parse("2026-01-01T00:00:30Z"));
  }

  @Test
  void parse_readsTheLastDateOfYear9999() {
    assertThat(HttpDate.parse("Fri, 31 Dec 9999 23:59:59 GMT"))
        .contains(Instant.parse("9999-12-31T23:59:59Z"));
  }

  @Test
  void parse_absentEmptyOrGarbage_isEmpty() {
    assertThat(HttpDate.parse(null)).isEmpty();
    assertThat(HttpDate.parse("")).isEmpty();
    assertThat(HttpDate.parse("   ")).isEmpty();
    assertThat(HttpDate.parse("garbage")).isEmpty();
    assertThat(HttpDate.parse("7")).isEmpty();
    assertThat(HttpDate.parse("2026-01-01T00:00:30Z")).isEmpty();
    assertThat(HttpDate.parse("Thu, 32 Jan 2026 00:00:30 GMT")).isEmpty();
    assertThat(HttpDate.parse("Thu, 01 Jan 2026 25:00:30 GMT")).isEmpty();
  }

  @Test
  void parse_aValueLongerThanADateCanBe_isEmptyWithoutParsing() {
    assertThat(HttpDate.parse("x".repeat(200))).isEmpty();
    assertThat(HttpDate.parse("Thu, 01 Jan 2026 00:00:30 GMT" + " ".repeat(40) + "x")).isEmpty();
    assertThat(HttpDate.parse("9".repeat(100_000))).isEmpty();
  }
}
