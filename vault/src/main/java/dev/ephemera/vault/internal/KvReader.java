package dev.ephemera.vault.internal;

import dev.ephemera.core.CredentialUnavailableException;
import dev.ephemera.vault.VaultSecret;
import dev.ephemera.vault.VaultToken;
import io.github.jopenlibs.vault.api.Logical;
import io.github.jopenlibs.vault.json.JsonObject;
import io.github.jopenlibs.vault.json.JsonValue;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * One KV v2 read through the driver ({@code <mount>/data/<path>}), strictly parsed. No cache and no
 * audit: {@link dev.ephemera.vault.VaultKv} adds both.
 */
public final class KvReader {
  private final VaultTransport transport;
  private final String mount;
  private final int mountDepth;

  /**
   * A reader for one mount.
   *
   * @param mount the KV v2 mount, already normalized (e.g. {@code secret} or {@code team/kv})
   */
  public KvReader(VaultTransport transport, String mount) {
    this.transport = transport;
    this.mount = mount;
    this.mountDepth = mount.split("/").length;
  }

  /**
   * Reads {@code path} (normalized) at {@code version}, 0 for the latest.
   *
   * @return empty when Vault has no such secret or version (404)
   * @throws CredentialUnavailableException when Vault refuses, fails or answers garbage
   */
  public Optional<VaultSecret> read(VaultToken token, String path, int version) {
    String where = mount + "/data/" + path;
    String driverPath = mount + "/" + path;
    Reply reply =
        transport.exchange(
            Operation.READ_KV,
            where,
            () -> {
              Logical logical = new Logical(transport.config(token.token(), 2, mountDepth));
              return version == 0
                  ? logical.read(driverPath)
                  : logical.read(driverPath, Boolean.TRUE, version);
            },
            token.token());
    if (reply.status() == 404) {
      return Optional.empty();
    }
    if (!reply.ok()) {
      throw VaultErrors.failure(Operation.READ_KV, where, reply, token.token());
    }
    return Optional.of(parse(VaultJson.root(reply, Operation.READ_KV, where), path, where));
  }

  private VaultSecret parse(JsonObject root, String path, String where) {
    JsonValue outer = root.get("data");
    if (outer == null || !outer.isObject()) {
      throw VaultErrors.malformed(
          Operation.READ_KV, where, "no data object (is this a KV v2 mount?)");
    }
    JsonValue data = outer.asObject().get("data");
    JsonValue metadata = outer.asObject().get("metadata");
    if (data == null || !data.isObject() || metadata == null || !metadata.isObject()) {
      throw VaultErrors.malformed(
          Operation.READ_KV, where, "no data.data and data.metadata (is this a KV v2 mount?)");
    }
    JsonObject meta = metadata.asObject();
    long version = VaultJson.number(meta, "version", Operation.READ_KV, where);
    Instant created;
    try {
      created = OffsetDateTime.parse(VaultJson.string(meta, "created_time")).toInstant();
    } catch (DateTimeParseException e) {
      throw VaultErrors.malformed(Operation.READ_KV, where, "an unreadable created_time");
    }
    if (version < 1 || version > Integer.MAX_VALUE) {
      throw VaultErrors.malformed(Operation.READ_KV, where, "version " + version);
    }
    return new VaultSecret(
        mount,
        path,
        (int) version,
        created,
        VaultJson.secretMap(data.asObject()),
        VaultJson.stringMap(meta.get("custom_metadata")));
  }

  @Override
  public String toString() {
    return "KvReader[" + mount + "]";
  }
}
