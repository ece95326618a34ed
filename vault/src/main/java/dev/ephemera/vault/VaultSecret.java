package dev.ephemera.vault;

import dev.ephemera.core.Secret;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One version of a KV v2 secret. Every value is a {@link Secret} (JSON values that are not strings
 * are kept as their JSON text); {@link #toString()} shows the path, version and key names only.
 */
public final class VaultSecret {
  private final String mount;
  private final String path;
  private final int version;
  private final Instant createdTime;
  private final Map<String, Secret> data;
  private final Map<String, String> customMetadata;

  /**
   * A secret version.
   *
   * @param mount the KV mount, e.g. {@code secret}
   * @param path the path inside the mount, e.g. {@code app/db}
   * @param version the version number (1-based)
   * @param createdTime when the version was written
   * @param data the values
   * @param customMetadata the non-secret custom metadata
   */
  public VaultSecret(
      String mount,
      String path,
      int version,
      Instant createdTime,
      Map<String, Secret> data,
      Map<String, String> customMetadata) {
    this.mount = Objects.requireNonNull(mount, "mount");
    this.path = Objects.requireNonNull(path, "path");
    if (version < 1) {
      throw new IllegalArgumentException("version must be positive: " + version);
    }
    this.version = version;
    this.createdTime = Objects.requireNonNull(createdTime, "createdTime");
    this.data = Collections.unmodifiableMap(new LinkedHashMap<>(data));
    this.customMetadata = Map.copyOf(customMetadata);
  }

  /** {@return the KV mount} */
  public String mount() {
    return mount;
  }

  /** {@return the path inside the mount} */
  public String path() {
    return path;
  }

  /** {@return the version number} */
  public int version() {
    return version;
  }

  /** {@return when this version was written} */
  public Instant createdTime() {
    return createdTime;
  }

  /** {@return the values} */
  public Map<String, Secret> data() {
    return data;
  }

  /**
   * {@return one value}
   *
   * @param key the field or attribute name
   */
  public Optional<Secret> get(String key) {
    return Optional.ofNullable(data.get(key));
  }

  /** {@return the custom metadata (never secret in Vault's model)} */
  public Map<String, String> customMetadata() {
    return customMetadata;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VaultSecret that
        && mount.equals(that.mount)
        && path.equals(that.path)
        && version == that.version
        && data.equals(that.data);
  }

  @Override
  public int hashCode() {
    return Objects.hash(mount, path, version);
  }

  @Override
  public String toString() {
    return "VaultSecret["
        + mount
        + "/"
        + path
        + ", version="
        + version
        + ", keys="
        + data.keySet()
        + "]";
  }
}
