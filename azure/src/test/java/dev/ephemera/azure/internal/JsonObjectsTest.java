package dev.ephemera.azure.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Whole numbers from Entra's JSON: exact or refused, never rounded or wrapped. */
class JsonObjectsTest {

  private static OptionalLong expiresIn(String json) {
    Map<String, Object> body = Objects.requireNonNull(JsonObjects.parse(json));
    return JsonObjects.whole(body, "expires_in");
  }

  @Test
  void whole_readsNumbersAndNumericStrings() {
    assertThat(expiresIn("{\"expires_in\":3599}")).hasValue(3599);
    assertThat(expiresIn("{\"expires_in\":\"3599\"}")).hasValue(3599);
    assertThat(expiresIn("{\"expires_in\":3600.0}")).hasValue(3600);
    assertThat(expiresIn("{\"expires_in\":9223372036854775807}")).hasValue(Long.MAX_VALUE);
    assertThat(expiresIn("{\"expires_in\":-1}")).hasValue(-1);
  }

  @Test
  void whole_aNumberBeyondTheRangeOfLong_isRefused_notWrapped() {
    // 2^64 + 3600: longValue() would wrap it to 3600, a plausible but invented lifetime.
    assertThat(expiresIn("{\"expires_in\":18446744073709555216}")).isEmpty();
    assertThat(expiresIn("{\"expires_in\":9223372036854775808}")).isEmpty();
    assertThat(expiresIn("{\"expires_in\":-9223372036854775809}")).isEmpty();
    assertThat(expiresIn("{\"expires_in\":1e300}")).isEmpty();
    assertThat(expiresIn("{\"expires_in\":\"18446744073709555216\"}")).isEmpty();
  }

  @Test
  void whole_aFractionOrSomethingElse_isRefused() {
    assertThat(expiresIn("{\"expires_in\":3599.5}")).isEmpty();
    assertThat(expiresIn("{\"expires_in\":true}")).isEmpty();
    assertThat(expiresIn("{\"expires_in\":\"soon\"}")).isEmpty();
    assertThat(expiresIn("{}")).isEmpty();
  }

  @Test
  void wholes_dropsCodesBeyondTheRangeOfLong() {
    Map<String, Object> body =
        Objects.requireNonNull(
            JsonObjects.parse("{\"error_codes\":[700024,18446744073709555216,1.5]}"));
    assertThat(JsonObjects.wholes(body, "error_codes")).containsExactly(700024L);
  }
}
