package dev.ephemera.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {

  private static AbstractThrowableAssert<?, ? extends Throwable> assertMalformed(
      String text, int offset, String what) {
    return assertThatThrownBy(() -> Json.parse(text))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("malformed JSON at offset " + offset + ": " + what);
  }

  // ---- objects and arrays ----

  @Test
  void parse_objectBecomesAMapInMemberOrder() {
    Object value = Json.parse("{\"z\":1,\"a\":\"x\",\"m\":true}");

    assertThat(value).isInstanceOf(Map.class);
    @SuppressWarnings("unchecked")
    Map<String, Object> map = (Map<String, Object>) value;
    assertThat(map.keySet()).containsExactly("z", "a", "m");
    assertThat(map)
        .containsEntry("z", new BigDecimal("1"))
        .containsEntry("a", "x")
        .containsEntry("m", Boolean.TRUE);
  }

  @Test
  void parse_emptyObjectAndArray() {
    assertThat(Json.parseObject("{}")).isEmpty();
    assertThat(Json.parseObject(" { } ")).isEmpty();
    assertThat(Json.parse("[]")).isEqualTo(List.of());
    assertThat(Json.parse("[ ]")).isEqualTo(List.of());
  }

  @Test
  void parse_arrayKeepsOrderAndMixedTypes() {
    Object value = Json.parse("[1, \"two\", false, null, [3], {\"k\":\"v\"}]");

    assertThat(value).isInstanceOf(List.class);
    List<?> list = (List<?>) value;
    assertThat(list).hasSize(6);
    assertThat(list.get(0)).isEqualTo(new BigDecimal("1"));
    assertThat(list.get(1)).isEqualTo("two");
    assertThat(list.get(2)).isEqualTo(Boolean.FALSE);
    assertThat(list.get(3)).isSameAs(Json.NULL);
    assertThat(list.get(4)).isEqualTo(List.of(new BigDecimal("3")));
    assertThat(list.get(5)).isEqualTo(Map.of("k", "v"));
  }

  @Test
  void parse_nestedStructures() {
    Map<String, Object> claims =
        Json.parseObject(
            "{\"kubernetes.io\":{\"namespace\":\"ns\",\"pod\":{\"name\":\"p\",\"uid\":\"u\"}},"
                + "\"aud\":[\"a\",\"b\"]}");

    assertThat(claims.get("kubernetes.io"))
        .isEqualTo(Map.of("namespace", "ns", "pod", Map.of("name", "p", "uid", "u")));
    assertThat(claims.get("aud")).isEqualTo(List.of("a", "b"));
  }

  @Test
  void parse_allowsWhitespaceEverywhereBetweenTokens() {
    Map<String, Object> map = Json.parseObject(" \t\r\n{ \"a\" :\n[ 1 ,\t2 ] ,\r\"b\" : null }\n ");

    assertThat(map.get("a")).isEqualTo(List.of(new BigDecimal("1"), new BigDecimal("2")));
    assertThat(map.get("b")).isSameAs(Json.NULL);
  }

  @Test
  void parse_duplicateMemberKeepsTheLastValue() {
    assertThat(Json.parseObject("{\"a\":1,\"a\":2}")).containsEntry("a", new BigDecimal("2"));
  }

  @Test
  void parseObject_rejectsANonObjectValue() {
    for (String text : new String[] {"[]", "\"s\"", "1", "true", "null"}) {
      assertThatThrownBy(() -> Json.parseObject(text))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("expected a JSON object");
    }
  }

  // ---- strings and escapes ----

  @Test
  void parse_decodesEverySimpleEscape() {
    assertThat(Json.parse("\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t\""))
        .isEqualTo("q\" b\\ s/ \b\f\n\r\t");
  }

  @Test
  void parse_decodesUnicodeEscapesInEitherCase() {
    assertThat(Json.parse("\"\\u0041\\u00e9\\u00E9\\u2028\"")).isEqualTo("Aéé\u2028");
  }

  @Test
  void parse_decodesASurrogatePairEscape() {
    assertThat(Json.parse("\"\\ud83d\\ude00\"")).isEqualTo("\uD83D\uDE00");
  }

  @Test
  void parse_keepsRawNonAsciiCharacters() {
    assertThat(Json.parse("\"ünïcödé 😀 \u2028\"")).isEqualTo("ünïcödé 😀 \u2028");
  }

  @Test
  void parse_emptyString() {
    assertThat(Json.parse("\"\"")).isEqualTo("");
  }

  // ---- numbers and literals ----

  @Test
  void parse_numbersBecomeExactBigDecimals() {
    assertThat(Json.parse("0")).isEqualTo(new BigDecimal("0"));
    assertThat(Json.parse("-17")).isEqualTo(new BigDecimal("-17"));
    assertThat(Json.parse("3.25")).isEqualTo(new BigDecimal("3.25"));
    assertThat(Json.parse("1.5e3")).isEqualTo(new BigDecimal("1.5e3"));
    assertThat(Json.parse("2E-2")).isEqualTo(new BigDecimal("2E-2"));
    assertThat(Json.parse("1e+2")).isEqualTo(new BigDecimal("1e+2"));
    assertThat(Json.parse("12345678901234567890123"))
        .isEqualTo(new BigDecimal("12345678901234567890123"));
    assertThat(Json.parse("-0")).isEqualTo(new BigDecimal("-0"));
  }

  @Test
  void parse_numberFollowedByADelimiter() {
    assertThat(Json.parse("[1,-2.5]"))
        .isEqualTo(List.of(new BigDecimal("1"), new BigDecimal("-2.5")));
    assertThat(Json.parseObject("{\"exp\":1700000000}"))
        .containsEntry("exp", new BigDecimal("1700000000"));
  }

  @Test
  void parse_literals() {
    assertThat(Json.parse("true")).isEqualTo(Boolean.TRUE);
    assertThat(Json.parse("false")).isEqualTo(Boolean.FALSE);
    assertThat(Json.parse("null")).isSameAs(Json.NULL);
  }

  // ---- errors and their offsets ----

  @Test
  void parse_emptyInput_failsAtOffsetZero() {
    assertMalformed("", 0, "unexpected end of input");
    assertMalformed("   ", 3, "unexpected end of input");
  }

  @Test
  void parse_trailingGarbage_failsWhereItStarts() {
    assertMalformed("{} x", 3, "unexpected trailing characters");
    assertMalformed("1 2", 2, "unexpected trailing characters");
    assertMalformed("nulll", 4, "unexpected trailing characters");
    assertMalformed("\"a\"\"b\"", 3, "unexpected trailing characters");
  }

  @Test
  void parse_trailingCommas_areRejected() {
    assertMalformed("[1,]", 3, "unexpected character");
    assertMalformed("{\"a\":1,}", 7, "expected a member name");
  }

  @Test
  void parse_structuralErrors_reportTheirOffsets() {
    assertMalformed("{\"a\" 1}", 5, "expected ':'");
    assertMalformed("{\"a\":1 \"b\":2}", 7, "expected '}'");
    assertMalformed("[1 2]", 3, "expected ']'");
    assertMalformed("{a:1}", 1, "expected a member name");
    assertMalformed("{\"a\":}", 5, "unexpected character");
    assertMalformed("[", 1, "unexpected end of input");
    assertMalformed("{\"a\":1", 6, "expected '}'");
  }

  @Test
  void parse_badLiterals_failAtTheirStart() {
    assertMalformed("tru", 0, "unexpected literal");
    assertMalformed("[nul]", 1, "unexpected literal");
    assertMalformed("False", 0, "unexpected character");
    assertMalformed("undefined", 0, "unexpected character");
  }

  @Test
  void parse_badNumbers_failWhereTheNumberGoesWrong() {
    assertMalformed("-", 1, "bad number");
    assertMalformed("--1", 1, "bad number");
    assertMalformed("1e", 2, "bad number");
    assertMalformed("1e+", 3, "bad number");
    assertMalformed("1.", 2, "bad number");
    assertMalformed("01", 1, "bad number");
    assertMalformed("[-01]", 3, "bad number");
    assertMalformed("[1.2.3]", 4, "expected ']'");
    assertMalformed("+1", 0, "unexpected character");
    assertMalformed(".5", 0, "unexpected character");
  }

  @Test
  void parse_badStrings_areRejected() {
    assertMalformed("\"abc", 4, "unterminated string");
    assertMalformed("\"abc\\", 5, "unterminated escape");
    assertMalformed("\"\\u12\"", 3, "short unicode escape");
    assertThatThrownBy(() -> Json.parse("\"\\uZZZZ\""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad unicode escape");
    assertThatThrownBy(() -> Json.parse("\"\\x\""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad escape");
    assertThatThrownBy(() -> Json.parse("\"a\u0001b\""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("control character in string");
    assertThatThrownBy(() -> Json.parse("\"line\nbreak\""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("control character in string");
  }

  @Test
  void parse_singleQuotesAreNotJson() {
    assertMalformed("'a'", 0, "unexpected character");
    assertMalformed("{'a':1}", 1, "expected a member name");
  }

  @Test
  void parse_inStringErrors_pointAtTheOffendingCharacter() {
    assertMalformed("\"a\u0001b\"", 2, "control character in string");
    assertThatThrownBy(() -> Json.parse("\"\\x\""))
        .hasMessageMatching("malformed JSON at offset [12]: bad escape");
  }

  @ParameterizedTest
  @ValueSource(strings = {"01", "-01", "1.", "1.e5", "00"})
  void parse_rejectsNumbersThatAreNotJson(String text) {
    assertThatThrownBy(() -> Json.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void parse_rejectsSignedUnicodeEscapes() {
    assertThatThrownBy(() -> Json.parse("\"\\u+041\""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Json.parse("\"\\u-001\""))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void parse_rejectsUnicodeEscapesWithNonAsciiDigits() {
    // FULLWIDTH DIGIT ZERO/FOUR/ONE and ARABIC-INDIC DIGIT ZERO are digits to Character.digit.
    assertThatThrownBy(() -> Json.parse("\"\\u\uff10\uff10\uff14\uff11\""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad unicode escape");
    assertThatThrownBy(() -> Json.parse("\"\\u\u0660\u0660\u0660\u0660\""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad unicode escape");
  }

  @Test
  void parse_rejectsNonAsciiDigitsInNumbers() {
    assertThatThrownBy(() -> Json.parse("\u0661")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Json.parse("1\u0661")).isInstanceOf(IllegalArgumentException.class);
  }

  // ---- depth ----

  @Test
  void parse_acceptsSixtyFourLevelsOfNesting() {
    String text = "[".repeat(64) + "1" + "]".repeat(64);

    Object value = Json.parse(text);

    for (int i = 0; i < 64; i++) {
      assertThat(value).isInstanceOf(List.class);
      value = ((List<?>) value).get(0);
    }
    assertThat(value).isEqualTo(new BigDecimal("1"));
  }

  @Test
  void parse_rejectsDeepNestingOfArrays() {
    assertThatThrownBy(() -> Json.parse("[".repeat(100) + "]".repeat(100)))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nested too deeply");
  }

  @Test
  void parse_rejectsDeepNestingOfObjects() {
    assertThatThrownBy(() -> Json.parse("{\"a\":".repeat(100) + "1" + "}".repeat(100)))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nested too deeply");
  }

  @Test
  void parse_rejectsHostileNestingWithoutOverflowingTheStack() {
    assertThatThrownBy(() -> Json.parse("[".repeat(1_000_000)))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nested too deeply");
  }

  // ---- quote ----

  private static String quote(String s) {
    return Json.quote(new StringBuilder(), s).toString();
  }

  @Test
  void quote_wrapsInQuotesAndAppendsToTheGivenBuilder() {
    StringBuilder sb = new StringBuilder("x=");

    StringBuilder returned = Json.quote(sb, "plain");

    assertThat(returned).isSameAs(sb);
    assertThat(sb).hasToString("x=\"plain\"");
  }

  @Test
  void quote_escapesQuotesAndBackslashes() {
    assertThat(quote("a\"b\\c")).isEqualTo("\"a\\\"b\\\\c\"");
  }

  @Test
  void quote_escapesNewlineReturnAndTabShortly() {
    assertThat(quote("\n\r\t")).isEqualTo("\"\\n\\r\\t\"");
  }

  @Test
  void quote_escapesOtherControlCharactersAsUnicode() {
    assertThat(quote("\u0000\u0001\b\f\u001f"))
        .isEqualTo("\"\\u0000\\u0001\\u0008\\u000c\\u001f\"");
  }

  @Test
  void quote_escapesLineAndParagraphSeparators() {
    assertThat(quote("a\u2028b\u2029c")).isEqualTo("\"a\\u2028b\\u2029c\"");
  }

  @Test
  void quote_leavesSlashesNonAsciiAndDeleteAlone() {
    assertThat(quote("a/b é 😀 \u007f")).isEqualTo("\"a/b é 😀 \u007f\"");
  }

  @Test
  void quote_neverProducesARawLineBreak() {
    String quoted = quote("one\ntwo\rthree\u2028four\u0085five");

    assertThat(quoted).doesNotContain("\n", "\r", "\u2028");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "plain",
        "quote\" backslash\\ slash/",
        "\u0000\u0001\u001f\u007f",
        "\b\f\n\r\t",
        "\u2028\u2029",
        "ünïcödé 😀",
        "{\"json\":[1,2]}"
      })
  void quote_roundTripsThroughParse(String s) {
    assertThat(Json.parse(quote(s))).isEqualTo(s);
  }
}
