package dev.ephemera.core.internal;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes core's JSON reader: it may refuse input only with {@link IllegalArgumentException}; deep
 * nesting is refused at its depth limit, never by a {@code StackOverflowError}.
 */
class JsonFuzzTest {

  @FuzzTest(maxDuration = "10s")
  void parse_refusesOnlyWithIllegalArgument(FuzzedDataProvider data) {
    int nesting = data.consumeInt(0, 200_000);
    boolean arrays = data.consumeBoolean();
    String body = data.consumeRemainingAsString();
    String text =
        nesting == 0
            ? body
            : (arrays ? "[" : "{\"a\":").repeat(nesting)
                + body
                + (arrays ? "]" : "}").repeat(nesting);
    try {
      Json.parse(text);
    } catch (IllegalArgumentException expected) {
      // refused, typed
    }
  }
}
