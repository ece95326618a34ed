package dev.ephemera.azure.internal;

import com.azure.json.JsonProviders;
import com.azure.json.JsonReader;
import com.azure.json.JsonToken;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * Reads the top-level members of Entra's small JSON answers with azure-json (already on the
 * classpath), for what MSAL does not hand back: {@code expires_in} and {@code refresh_in} exactly,
 * and {@code error}, {@code error_codes} and {@code error_description} from the wire.
 *
 * <p>Flat and bounded: only top-level strings, numbers, booleans and arrays of those are kept;
 * nested objects and arrays are skipped on the reader's stream, never built, and a body nested
 * deeper than {@link #MAX_DEPTH} is refused whole. A number is kept only when it is short enough to
 * be a whole {@code long} ({@link #MAX_NUMBER_CHARS}); {@link #whole} then refuses anything beyond
 * the range of {@code long} rather than rounding or wrapping it.
 */
final class JsonObjects {
  /** The deepest nesting read (the top-level object is depth 1). */
  static final int MAX_DEPTH = 16;

  /** Longer number literals are dropped unread (a long has at most 20 characters). */
  static final int MAX_NUMBER_CHARS = 40;

  private JsonObjects() {}

  /**
   * The top-level members of the object in {@code text}, or {@code null} when it is not a JSON
   * object or is nested deeper than {@link #MAX_DEPTH}.
   */
  static @Nullable Map<String, Object> parse(String text) {
    try (JsonReader reader = JsonProviders.createReader(text)) {
      if (reader.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      Map<String, Object> members = new HashMap<>();
      while (reader.nextToken() == JsonToken.FIELD_NAME) {
        String name = reader.getFieldName();
        JsonToken token = reader.nextToken();
        Object value =
            token == JsonToken.START_ARRAY ? array(reader) : scalarOrSkip(reader, token, 2);
        if (value != null) {
          members.put(name, value);
        }
      }
      return reader.currentToken() == JsonToken.END_OBJECT ? members : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** The scalars of a top-level array (depth 2); nested containers skipped. */
  private static List<Object> array(JsonReader reader) throws IOException {
    List<Object> out = new ArrayList<>();
    for (JsonToken t = reader.nextToken(); t != JsonToken.END_ARRAY; t = reader.nextToken()) {
      Object v = scalarOrSkip(reader, t, 3);
      if (v != null) {
        out.add(v);
      }
    }
    return out;
  }

  /**
   * The scalar at the reader, or null after skipping a container that opens at {@code depth}.
   *
   * @throws IOException when the body ends early or nests deeper than {@link #MAX_DEPTH}
   */
  private static @Nullable Object scalarOrSkip(JsonReader reader, JsonToken token, int depth)
      throws IOException {
    switch (token) {
      case STRING:
        return reader.getString();
      case NUMBER:
        return number(reader.getText());
      case BOOLEAN:
        return reader.getBoolean();
      case NULL:
        return null;
      case START_OBJECT:
      case START_ARRAY:
        skip(reader, depth);
        return null;
      default:
        throw new IOException("unexpected " + token);
    }
  }

  /** Skips the container the reader is at, counting depth instead of recursing. */
  private static void skip(JsonReader reader, int depth) throws IOException {
    int level = depth;
    if (level > MAX_DEPTH) {
      throw new IOException("nested deeper than " + MAX_DEPTH);
    }
    int open = 1;
    while (open > 0) {
      JsonToken t = reader.nextToken();
      if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
        open++;
        if (++level > MAX_DEPTH) {
          throw new IOException("nested deeper than " + MAX_DEPTH);
        }
      } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
        open--;
        level--;
      } else if (t == JsonToken.END_DOCUMENT) {
        throw new IOException("ends inside a value");
      }
    }
  }

  private static @Nullable BigDecimal number(String text) {
    if (text.length() > MAX_NUMBER_CHARS) {
      return null;
    }
    try {
      return new BigDecimal(text);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** A string member, or {@code null}. */
  static @Nullable String string(Map<String, Object> object, String name) {
    return object.get(name) instanceof String s ? s : null;
  }

  /**
   * A whole-number member (a JSON number or a numeric string), or empty. A number with a fraction,
   * or beyond the range of {@code long}, is empty: never rounded, never wrapped.
   */
  static OptionalLong whole(Map<String, Object> object, String name) {
    Object v = object.get(name);
    if (v instanceof Number n) {
      return exact(n);
    }
    if (v instanceof String s) {
      try {
        return OptionalLong.of(Long.parseLong(s.strip()));
      } catch (NumberFormatException e) {
        return OptionalLong.empty();
      }
    }
    return OptionalLong.empty();
  }

  /** The whole numbers of an array member; empty when absent. */
  static List<Long> wholes(Map<String, Object> object, String name) {
    List<Long> out = new ArrayList<>();
    if (object.get(name) instanceof List<?> list) {
      for (Object o : list) {
        if (o instanceof Number n) {
          exact(n).ifPresent(out::add);
        }
      }
    }
    return out;
  }

  /** {@code n} as a long if it is a whole number within range; empty otherwise. */
  static OptionalLong exact(Number n) {
    if (n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte) {
      return OptionalLong.of(n.longValue());
    }
    try {
      if (n instanceof BigInteger b) {
        return OptionalLong.of(b.longValueExact());
      }
      if (n instanceof BigDecimal d) {
        return OptionalLong.of(d.longValueExact());
      }
    } catch (ArithmeticException e) {
      return OptionalLong.empty();
    }
    double d = n.doubleValue();
    // 2^63 itself is out of range; every double below it that is whole fits a long exactly
    if (Double.isFinite(d) && d == Math.rint(d) && d >= -0x1p63 && d < 0x1p63) {
      return OptionalLong.of((long) d);
    }
    return OptionalLong.empty();
  }
}
