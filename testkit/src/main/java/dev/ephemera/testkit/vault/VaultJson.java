package dev.ephemera.testkit.vault;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ephemera.testkit.emulator.EmulatedResponse;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Vault's JSON, shared by every endpoint family (PROTOCOLS.md §4.1): the request body, the response
 * envelope, the {@code {"errors":[...]}} body and RFC 3339 times.
 */
final class VaultJson {
  static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ISO_OFFSET_DATE_TIME;

  private VaultJson() {}

  /** The request body: blank or not an object reads as {@code {}}; null when it is not JSON. */
  static @Nullable JsonNode body(String text) {
    JsonNode body;
    try {
      body = text.isBlank() ? NODES.objectNode() : JSON.readTree(text);
    } catch (JsonProcessingException e) {
      return null;
    }
    return body.isObject() ? body : NODES.objectNode();
  }

  /** A string field of a request body; absent or null reads as empty. */
  static String text(JsonNode body, String field) {
    JsonNode n = body.get(field);
    return n == null || n.isNull() ? "" : n.asText("");
  }

  /** Vault's response envelope, with its {@code auth} block (or null) and warnings (or null). */
  static ObjectNode envelope(@Nullable ObjectNode auth, List<String> warnings) {
    ObjectNode root = NODES.objectNode();
    root.put("request_id", UUID.randomUUID().toString());
    root.put("lease_id", "");
    root.put("renewable", false);
    root.put("lease_duration", 0);
    root.putNull("data");
    root.putNull("wrap_info");
    if (warnings.isEmpty()) {
      root.putNull("warnings");
    } else {
      ArrayNode w = root.putArray("warnings");
      warnings.forEach(w::add);
    }
    if (auth == null) {
      root.putNull("auth");
    } else {
      root.set("auth", auth);
    }
    return root;
  }

  /** A 200 answer whose envelope carries {@code data}. */
  static EmulatedResponse data(ObjectNode data) {
    ObjectNode root = envelope(null, List.of());
    root.set("data", data);
    return ok(root);
  }

  /** A 200 answer with {@code root} as its body. */
  static EmulatedResponse ok(ObjectNode root) {
    return EmulatedResponse.json(200, root.toString());
  }

  /** A 204 answer. */
  static EmulatedResponse noContent() {
    return new EmulatedResponse(204, Map.of(), "");
  }

  static EmulatedResponse permissionDenied() {
    return errors(403, List.of("permission denied"));
  }

  static EmulatedResponse noHandler(String path) {
    return errors(404, List.of("no handler for route \"" + path + "\". route entry not found."));
  }

  /** {@code {"errors":[...]}} with {@code Cache-Control: no-store}. */
  static EmulatedResponse errors(int status, List<String> messages) {
    ObjectNode root = NODES.objectNode();
    ArrayNode errors = root.putArray("errors");
    messages.forEach(errors::add);
    return EmulatedResponse.json(status, root.toString()).withHeader("Cache-Control", "no-store");
  }

  static String rfc3339(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC).format(RFC3339);
  }
}
