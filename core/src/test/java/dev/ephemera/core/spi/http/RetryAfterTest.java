package dev.ephemera.core.spi.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The one reading of Retry-After every backend uses: seconds or a date, capped, never throws. */
class RetryAfterTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  static Stream<Arguments> values() {
    return Stream.of(
        Arguments.of("7", Duration.ofSeconds(7)),
        Arguments.of("0", Duration.ZERO),
        Arguments.of("  12 ", Duration.ofSeconds(12)),
        Arguments.of("0042", Duration.ofSeconds(42)),
        Arguments.of("3599", Duration.ofSeconds(3599)),
        Arguments.of("3600", RetryAfter.CAP),
        Arguments.of("99999999999", RetryAfter.CAP),
        Arguments.of("9223372036854775807", RetryAfter.CAP),
        Arguments.of("99999999999999999999999", RetryAfter.CAP),
        Arguments.of("-5", null),
        Arguments.of("-1", null),
        Arguments.of("1.5", null),
        Arguments.of("abc", null),
        Arguments.of("soon", null),
        Arguments.of("", null),
        Arguments.of("   ", null),
        Arguments.of(null, null),
        Arguments.of("Wed, 31 Dec 2025 23:59:00 GMT", Duration.ZERO),
        Arguments.of("Thu, 01 Jan 2026 00:00:00 GMT", Duration.ZERO),
        Arguments.of("Thu, 01 Jan 2026 00:00:30 GMT", Duration.ofSeconds(30)),
        Arguments.of("Fri, 31 Dec 9999 23:59:59 GMT", RetryAfter.CAP),
        Arguments.of("Thu, 32 Jan 2026 00:00:30 GMT", null),
        Arguments.of("7".repeat(200), RetryAfter.CAP),
        Arguments.of("x".repeat(200), null),
        Arguments.of("Thu, 01 Jan 2026 00:00:30 GMT" + " ".repeat(10) + "x".repeat(161), null));
  }

  @ParameterizedTest(name = "[{index}] \"{0}\" -> {1}")
  @MethodSource("values")
  void parse_readsSecondsOrADate_cappedAndNeverNegative(
      @Nullable String header, @Nullable Duration expected) {
    assertThat(RetryAfter.parse(header, NOW)).isEqualTo(java.util.Optional.ofNullable(expected));
  }

  @Test
  void parse_aDateIsCountedFromTheGivenNow() {
    assertThat(RetryAfter.parse("Thu, 01 Jan 2026 00:00:30 GMT", NOW.plusSeconds(10)))
        .contains(Duration.ofSeconds(20));
  }

  @Test
  void ofSeconds_capsAndRefusesNegatives() {
    assertThat(RetryAfter.ofSeconds(7)).contains(Duration.ofSeconds(7));
    assertThat(RetryAfter.ofSeconds(0)).contains(Duration.ZERO);
    assertThat(RetryAfter.ofSeconds(Long.MAX_VALUE)).contains(RetryAfter.CAP);
    assertThat(RetryAfter.ofSeconds(-1)).isEmpty();
    assertThat(RetryAfter.ofSeconds(Long.MIN_VALUE)).isEmpty();
  }
}
