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

  @Test
  void parse_keepsTopLevelScalarsAndArrays_andSkipsNestedValues() {
    Map<String, Object> body =
        Objects.requireNonNull(
            JsonObjects.parse(
                "{\"error\":\"invalid_grant\",\"nested\":{\"a\":[1,{\"b\":2}]},"
                    + "\"error_codes\":[70021,[1],{\"c\":3}],\"expires_in\":3599}"));

    assertThat(body).containsOnlyKeys("error", "error_codes", "expires_in");
    assertThat(JsonObjects.wholes(body, "error_codes")).containsExactly(70021L);
  }

  @Test
  void parse_isBoundedInDepth() {
    int limit = JsonObjects.MAX_DEPTH;
    assertThat(JsonObjects.parse("{\"x\":" + nested(limit - 1) + ",\"expires_in\":1}"))
        .containsKey("expires_in");
    assertThat(JsonObjects.parse("{\"x\":" + nested(limit) + ",\"expires_in\":1}")).isNull();
    assertThat(JsonObjects.parse("{\"x\":" + nested(100_000) + "}")).isNull();
  }

  @Test
  void parse_dropsNumberLiteralsTooLongForALong_unread() {
    String digits = "9".repeat(JsonObjects.MAX_NUMBER_CHARS + 1);
    Map<String, Object> body =
        Objects.requireNonNull(JsonObjects.parse("{\"expires_in\":" + digits + "}"));

    assertThat(JsonObjects.whole(body, "expires_in")).isEmpty();
  }

  @Test
  void parse_refusesWhatIsNotOneObject() {
    assertThat(JsonObjects.parse("[1]")).isNull();
    assertThat(JsonObjects.parse("{\"a\":")).isNull();
    assertThat(JsonObjects.parse("{\"a\":[1,2")).isNull();
    assertThat(JsonObjects.parse("not json")).isNull();
  }

  /** {@code depth} arrays, one inside the other. */
  private static String nested(int depth) {
    return "[".repeat(depth) + "]".repeat(depth);
  }
}
