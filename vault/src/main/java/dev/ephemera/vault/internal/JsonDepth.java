package dev.ephemera.vault.internal;

import java.io.IOException;
import java.util.function.IntUnaryOperator;

/**
 * A cheap scan of how deeply a JSON text nests, run before any parser sees it: the Vault driver's
 * parser recurses once per level with no limit, so a deep enough answer would end in a {@link
 * StackOverflowError}. It counts {@code [} and {@code {} outside strings; it does not validate.
 *
 * <p>The scan reads UTF-8 bytes as they are: the brackets, quote and backslash it looks for are
 * ASCII and never occur inside a multi-byte sequence.
 */
final class JsonDepth {
  /** The deepest nesting a Vault answer may have; Vault's own answers nest a few levels. */
  static final int LIMIT = 64;

  private JsonDepth() {}

  /** Thrown for a body that nests deeper than {@link #LIMIT}; names the limit, not the content. */
  static final class TooDeepException extends IOException {
    private static final long serialVersionUID = 1L;

    TooDeepException(String what) {
      super(what + " nests deeper than " + LIMIT + " levels");
    }
  }

  /** Whether {@code body} (UTF-8) nests deeper than {@link #LIMIT}. */
  static boolean tooDeep(byte[] body) {
    return tooDeep(body.length, i -> body[i]);
  }

  /** Whether {@code body} nests deeper than {@link #LIMIT}. */
  static boolean tooDeep(String body) {
    return tooDeep(body.length(), body::charAt);
  }

  private static boolean tooDeep(int length, IntUnaryOperator at) {
    int depth = 0;
    boolean inString = false;
    boolean escaped = false;
    for (int i = 0; i < length; i++) {
      int c = at.applyAsInt(i);
      if (inString) {
        if (escaped) {
          escaped = false;
        } else if (c == '\\') {
          escaped = true;
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == '[' || c == '{') {
        if (++depth > LIMIT) {
          return true;
        }
      } else if ((c == ']' || c == '}') && depth > 0) {
        depth--;
      }
    }
    return false;
  }

  /**
   * Refuses a body that nests too deeply.
   *
   * @param what names the body in the error, e.g. {@code "Vault's answer"}
   */
  static void check(byte[] body, String what) throws TooDeepException {
    if (tooDeep(body)) {
      throw new TooDeepException(what);
    }
  }
}
