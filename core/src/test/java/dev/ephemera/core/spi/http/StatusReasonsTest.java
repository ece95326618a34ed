package dev.ephemera.core.spi.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ephemera.core.CredentialUnavailableException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The one status table, and how a backend overrides one row without touching the others. */
class StatusReasonsTest {

  @ParameterizedTest
  @CsvSource({
    "400, REJECTED",
    "401, REJECTED",
    "403, REJECTED",
    "404, CONFIGURATION",
    "405, CONFIGURATION",
    "408, TIMEOUT",
    "409, REJECTED",
    "412, REJECTED",
    "429, THROTTLED",
    "499, REJECTED",
    "500, UNAVAILABLE",
    "502, UNAVAILABLE",
    "503, UNAVAILABLE",
    "599, UNAVAILABLE",
    "302, UNAVAILABLE",
    "0, UNAVAILABLE",
    "-1, UNAVAILABLE",
    "999, UNAVAILABLE"
  })
  void standard(int status, Reason reason) {
    assertThat(StatusReasons.standard().reasonFor(status)).isEqualTo(reason);
  }

  @Test
  void with_overridesOneRow_andLeavesTheStandardTableAlone() {
    StatusReasons vault = StatusReasons.standard().with(412, Reason.UNAVAILABLE);
    assertThat(vault.reasonFor(412)).isEqualTo(Reason.UNAVAILABLE);
    assertThat(vault.reasonFor(403)).isEqualTo(Reason.REJECTED);
    assertThat(StatusReasons.standard().reasonFor(412)).isEqualTo(Reason.REJECTED);
    assertThat(vault.toString()).contains("412=UNAVAILABLE");
  }

  @Test
  void with_refusesWhatIsNotAStatus() {
    assertThatThrownBy(() -> StatusReasons.standard().with(42, Reason.REJECTED))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("42");
  }
}
