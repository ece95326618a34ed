package dev.ephemera.testkit.vault;

import static dev.ephemera.testkit.vault.VaultJson.errors;
import static dev.ephemera.testkit.vault.VaultJson.rfc3339;
import static dev.ephemera.testkit.vault.VaultPaths.trimSlashes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ephemera.testkit.emulator.EmulatedRequest;
import dev.ephemera.testkit.emulator.EmulatedResponse;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * KV v2 secrets with versions and soft deletes, read at {@code <mount>/data/<path>} (PROTOCOLS.md
 * §4.6). Not thread-safe: {@link VaultProtocol} serialises every call.
 */
final class VaultKv {
  private record Version(
      int version, Map<String, String> data, Instant createdAt, @Nullable Instant deletedAt) {}

  private final Clock clock;
  private final VaultTokens tokens;
  private final Map<String, Map<String, List<Version>>> mounts = new LinkedHashMap<>();

  VaultKv(Clock clock, VaultTokens tokens) {
    this.clock = clock;
    this.tokens = tokens;
  }

  int put(String mount, String path, Map<String, String> data) {
    List<Version> versions =
        mounts
            .computeIfAbsent(trimSlashes(mount), k -> new LinkedHashMap<>())
            .computeIfAbsent(trimSlashes(path), k -> new ArrayList<>());
    int version = versions.size() + 1;
    versions.add(new Version(version, Map.copyOf(data), clock.instant(), null));
    return version;
  }

  void delete(String mount, String path) {
    List<Version> versions =
        mounts.getOrDefault(trimSlashes(mount), Map.of()).get(trimSlashes(path));
    if (versions == null || versions.isEmpty()) {
      throw new IllegalArgumentException("no KV secret " + mount + "/" + path);
    }
    Version last = versions.get(versions.size() - 1);
    versions.set(
        versions.size() - 1,
        new Version(last.version(), last.data(), last.createdAt(), clock.instant()));
  }

  /** The answer for {@code path} if it lies under a KV mount's {@code data/}, else null. */
  @Nullable EmulatedResponse handle(String path, String method, EmulatedRequest request) {
    for (String mount : mounts.keySet()) {
      if (path.startsWith(mount + "/data/")) {
        return method.equals("GET")
            ? read(request, mount, path.substring(mount.length() + 6))
            : errors(405, List.of());
      }
    }
    return null;
  }

  private EmulatedResponse read(EmulatedRequest request, String mount, String path) {
    if (tokens.caller(request) == null) {
      return VaultJson.permissionDenied();
    }
    List<Version> versions = mounts.getOrDefault(mount, Map.of()).get(trimSlashes(path));
    if (versions == null || versions.isEmpty()) {
      return errors(404, List.of());
    }
    Version v;
    Optional<String> asked = request.queryParam("version");
    if (asked.isPresent() && !asked.get().equals("0")) {
      int n;
      try {
        n = Integer.parseInt(asked.get());
      } catch (NumberFormatException e) {
        return errors(400, List.of("invalid version"));
      }
      if (n < 1 || n > versions.size()) {
        return errors(404, List.of());
      }
      v = versions.get(n - 1);
    } else {
      v = versions.get(versions.size() - 1);
    }
    Instant deletedAt = v.deletedAt();
    ObjectNode root = VaultJson.envelope(null, List.of());
    ObjectNode outer = root.putObject("data");
    ObjectNode metadata = VaultJson.NODES.objectNode();
    metadata.put("created_time", rfc3339(v.createdAt()));
    metadata.putNull("custom_metadata");
    metadata.put("deletion_time", deletedAt == null ? "" : rfc3339(deletedAt));
    metadata.put("destroyed", false);
    metadata.put("version", v.version());
    if (deletedAt != null) {
      outer.putNull("data");
      outer.set("metadata", metadata);
      return EmulatedResponse.json(404, root.toString());
    }
    ObjectNode data = outer.putObject("data");
    v.data().forEach(data::put);
    outer.set("metadata", metadata);
    root.put("mount_type", "kv");
    return VaultJson.ok(root);
  }
}
