package dev.ephemera.azure.internal;

import com.azure.json.JsonProviders;
import com.azure.json.JsonReader;
import com.azure.json.JsonToken;
import java.io.IOException;
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

  /** A whole-number member (a JSON number or a numeric string), or empty. */
  static OptionalLong whole(Map<String, Object> object, String name) {
    Object v = object.get(name);
    if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
      return OptionalLong.of(n.longValue());
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
          out.add(n.longValue());
        }
      }
    }
    return out;
  }
}
