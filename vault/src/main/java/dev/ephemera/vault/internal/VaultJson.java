package dev.ephemera.vault.internal;

import dev.ephemera.core.CredentialUnavailableException;
import dev.ephemera.core.Secret;
import io.github.jopenlibs.vault.json.Json;
import io.github.jopenlibs.vault.json.JsonObject;
import io.github.jopenlibs.vault.json.JsonValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Strict reading of Vault's response envelope with the driver's JSON parser: the driver's own
 * response classes swallow parse errors and default missing fields, which would let a garbled
 * answer through as an empty token.
 */
final class VaultJson {
  private VaultJson() {}

  /** The {@code auth} block of a login or renew-self answer. */
  record Auth(
      Secret clientToken,
      String accessor,
      long leaseDuration,
      boolean renewable,
      List<String> policies,
      Map<String, String> metadata,
      List<String> warnings) {
    @Override
    public String toString() {
      return "Auth[accessor=" + accessor + ", leaseDuration=" + leaseDuration + "]";
    }
  }

  /** The lease fields of a dynamic-secret read or lease renewal. */
  record Lease(
      String leaseId,
      long leaseDuration,
      boolean renewable,
      Map<String, Secret> data,
      List<String> warnings) {
    @Override
    public String toString() {
      return "Lease[" + leaseId + ", leaseDuration=" + leaseDuration + "]";
    }
  }

  /** The body as a JSON object. */
  static JsonObject root(Reply reply, Operation op, String where) {
    if (JsonDepth.tooDeep(reply.body())) {
      throw VaultErrors.malformed(
          op, where, "JSON nested deeper than " + JsonDepth.LIMIT + " levels");
    }
    try {
      JsonValue v = Json.parse(reply.body());
      if (v.isObject()) {
        return v.asObject();
      }
    } catch (RuntimeException e) {
      throw VaultErrors.malformed(
          op, where, "a body that is not JSON (" + e.getClass().getSimpleName() + ")");
    }
    throw VaultErrors.malformed(op, where, "JSON that is not an object");
  }

  /** Reads the {@code auth} block, requiring a token, an accessor and a positive TTL. */
  static Auth auth(JsonObject root, Operation op, String where) {
    JsonValue a = root.get("auth");
    if (a == null || !a.isObject()) {
      throw VaultErrors.malformed(op, where, "no auth block");
    }
    JsonObject auth = a.asObject();
    String token = string(auth, "client_token");
    String accessor = string(auth, "accessor");
    if (token.isEmpty()) {
      throw VaultErrors.malformed(op, where, "an auth block without client_token");
    }
    if (accessor.isEmpty()) {
      throw VaultErrors.malformed(op, where, "an auth block without accessor");
    }
    long ttl = number(auth, "lease_duration", op, where);
    if (ttl <= 0) {
      throw VaultErrors.malformed(
          op, where, "a token with lease_duration " + ttl + " (already expired or non-expiring)");
    }
    return new Auth(
        Secret.of(token),
        accessor,
        ttl,
        bool(auth, "renewable"),
        strings(auth.get("policies")),
        stringMap(auth.get("metadata")),
        strings(root.get("warnings")));
  }

  /**
   * Reads the lease fields; {@code requireData} for a fresh read (a renewal carries no data).
   *
   * @throws CredentialUnavailableException MALFORMED_RESPONSE for a missing lease id or a TTL that
   *     is not positive
   */
  static Lease lease(JsonObject root, Operation op, String where, boolean requireData) {
    String leaseId = string(root, "lease_id");
    if (leaseId.isEmpty()) {
      throw VaultErrors.malformed(
          op, where, "no lease_id (a static secret? read it with VaultKv instead)");
    }
    long ttl = number(root, "lease_duration", op, where);
    if (ttl <= 0) {
      throw VaultErrors.malformed(op, where, "lease " + leaseId + " with lease_duration " + ttl);
    }
    Map<String, Secret> data = new LinkedHashMap<>();
    JsonValue d = root.get("data");
    if (d != null && d.isObject()) {
      data = secretMap(d.asObject());
    } else if (requireData) {
      throw VaultErrors.malformed(op, where, "lease " + leaseId + " without data");
    }
    return new Lease(leaseId, ttl, bool(root, "renewable"), data, strings(root.get("warnings")));
  }

  /** Every member of {@code o} as a secret: strings as they are, anything else as JSON text. */
  static Map<String, Secret> secretMap(JsonObject o) {
    Map<String, Secret> out = new LinkedHashMap<>();
    for (JsonObject.Member m : o) {
      JsonValue v = m.getValue();
      if (v == null || v.isNull()) {
        continue;
      }
      String text = v.isString() ? v.asString() : v.toString();
      if (!text.isEmpty()) {
        out.put(m.getName(), Secret.of(text));
      }
    }
    return out;
  }

  /** A string member, or empty. */
  static String string(JsonObject o, String name) {
    JsonValue v = o.get(name);
    return v != null && v.isString() ? v.asString() : "";
  }

  /** A boolean member, false when absent. */
  static boolean bool(JsonObject o, String name) {
    JsonValue v = o.get(name);
    return v != null && v.isBoolean() && v.asBoolean();
  }

  /** A whole-number member, required. */
  static long number(JsonObject o, String name, Operation op, String where) {
    JsonValue v = o.get(name);
    if (v == null || !v.isNumber()) {
      throw VaultErrors.malformed(op, where, "no numeric " + name);
    }
    try {
      return v.asLong();
    } catch (NumberFormatException e) {
      throw VaultErrors.malformed(op, where, name + " that is not a whole number");
    }
  }

  /** An array of strings; empty when absent or null. */
  static List<String> strings(@Nullable JsonValue v) {
    List<String> out = new ArrayList<>();
    if (v != null && v.isArray()) {
      for (JsonValue e : v.asArray()) {
        if (e.isString()) {
          out.add(e.asString());
        }
      }
    }
    return List.copyOf(out);
  }

  /** An object of strings (non-strings as JSON text); empty when absent or null. */
  static Map<String, String> stringMap(@Nullable JsonValue v) {
    Map<String, String> out = new LinkedHashMap<>();
    if (v != null && v.isObject()) {
      for (JsonObject.Member m : v.asObject()) {
        JsonValue e = m.getValue();
        if (e != null && !e.isNull()) {
          out.put(m.getName(), e.isString() ? e.asString() : e.toString());
        }
      }
    }
    return Map.copyOf(out);
  }
}
