package dev.ephemera.azure.internal;

import com.azure.json.JsonProviders;
import com.azure.json.JsonReader;
import com.azure.json.JsonToken;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/** Lenient reads of small JSON objects with azure-json (already on the classpath). */
final class JsonObjects {
  private JsonObjects() {}

  /** The object in {@code text}, or {@code null} when it is not a JSON object. */
  static @Nullable Map<String, Object> parse(String text) {
    try (JsonReader reader = JsonProviders.createReader(text)) {
      if (reader.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      return reader.readMap(JsonReader::readUntyped);
    } catch (IOException | RuntimeException e) {
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
