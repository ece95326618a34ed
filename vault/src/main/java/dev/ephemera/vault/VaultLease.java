package dev.ephemera.vault;

import dev.ephemera.core.Credential;
import dev.ephemera.core.Secret;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A dynamic secret and its lease (e.g. database credentials from {@code database/creds/ROLE}). Its
 * {@link #id()} is the lease id, which names the lease without granting anything; every value of
 * {@link #data()} is a {@link Secret}.
 *
 * <p>{@link #issuedAt()} is when the current lease period began (the read or the last renewal). A
 * renewal keeps the lease id and the data.
 */
public final class VaultLease implements Credential {
  private final String leaseId;
  private final String path;
  private final Map<String, Secret> data;
  private final Instant issuedAt;
  private final Instant expiresAt;
  private final boolean renewable;
  private final @Nullable String capWarning;

  private VaultLease(Builder b) {
    this.leaseId = requireText(b.leaseId, "leaseId");
    this.path = requireText(b.path, "path");
    this.data = Collections.unmodifiableMap(new LinkedHashMap<>(b.data));
    this.issuedAt = Objects.requireNonNull(b.issuedAt, "issuedAt");
    this.expiresAt = Objects.requireNonNull(b.expiresAt, "expiresAt");
    if (expiresAt.isBefore(issuedAt)) {
      throw new IllegalArgumentException(
          "expiresAt " + expiresAt + " is before issuedAt " + issuedAt);
    }
    this.renewable = b.renewable;
    this.capWarning = b.capWarning;
  }

  /** {@return a builder; lease id, path, issuedAt and expiresAt are required} */
  public static Builder builder() {
    return new Builder();
  }

  /** The lease id: non-secret, stable across renewals. */
  @Override
  public String id() {
    return leaseId;
  }

  /** {@return the lease id (same as {@link #id()})} */
  public String leaseId() {
    return leaseId;
  }

  /** {@return the path the secret was read from, e.g. {@code database/creds/app}} */
  public String path() {
    return path;
  }

  /** {@return the secret's fields (e.g. {@code username}, {@code password}), in Vault's order} */
  public Map<String, Secret> data() {
    return data;
  }

  /**
   * {@return one field}
   *
   * @param key the field or attribute name
   */
  public Optional<Secret> get(String key) {
    return Optional.ofNullable(data.get(key));
  }

  @Override
  public Instant issuedAt() {
    return issuedAt;
  }

  @Override
  public Instant expiresAt() {
    return expiresAt;
  }

  /** {@return whether the lease can be renewed} */
  public boolean renewable() {
    return renewable;
  }

  /** {@return true when Vault capped the last renewal at the lease's max TTL} */
  public boolean capped() {
    return capWarning != null;
  }

  /** {@return a builder holding every field of this lease, for a renewal} */
  public Builder toBuilder() {
    Builder b =
        new Builder()
            .leaseId(leaseId)
            .path(path)
            .data(data)
            .issuedAt(issuedAt)
            .expiresAt(expiresAt)
            .renewable(renewable);
    b.capWarning = capWarning;
    return b;
  }

  @Override
  public Map<String, String> auditAttributes() {
    Map<String, String> a = new LinkedHashMap<>();
    a.put("path", path);
    a.put("renewable", Boolean.toString(renewable));
    if (capWarning != null) {
      a.put("ttlCapped", capWarning);
    }
    return a;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VaultLease that
        && leaseId.equals(that.leaseId)
        && expiresAt.equals(that.expiresAt)
        && data.equals(that.data);
  }

  @Override
  public int hashCode() {
    return Objects.hash(leaseId, expiresAt);
  }

  @Override
  public String toString() {
    return "VaultLease[id="
        + leaseId
        + ", keys="
        + data.keySet()
        + ", expiresAt="
        + expiresAt
        + (capWarning != null ? ", capped" : "")
        + "]";
  }

  private static String requireText(@Nullable String s, String what) {
    Objects.requireNonNull(s, what);
    if (s.isBlank()) {
      throw new IllegalArgumentException(what + " must not be blank");
    }
    return s;
  }

  /** Builds a {@link VaultLease}. */
  public static final class Builder {
    private @Nullable String leaseId;
    private @Nullable String path;
    private Map<String, Secret> data = Map.of();
    private @Nullable Instant issuedAt;
    private @Nullable Instant expiresAt;
    private boolean renewable;
    private @Nullable String capWarning;

    private Builder() {}

    /**
     * The lease id.
     *
     * @param leaseId the lease id
     * @return this builder
     */
    public Builder leaseId(String leaseId) {
      this.leaseId = requireText(leaseId, "leaseId");
      return this;
    }

    /**
     * The secret's path.
     *
     * @param path the secret's path
     * @return this builder
     */
    public Builder path(String path) {
      this.path = requireText(path, "path");
      return this;
    }

    /**
     * The secret's fields.
     *
     * @param data the secret's fields
     * @return this builder
     */
    public Builder data(Map<String, Secret> data) {
      this.data = new LinkedHashMap<>(data);
      return this;
    }

    /**
     * When the current lease period began.
     *
     * @param issuedAt when the current lease period began
     * @return this builder
     */
    public Builder issuedAt(Instant issuedAt) {
      this.issuedAt = Objects.requireNonNull(issuedAt, "issuedAt");
      return this;
    }

    /**
     * When the lease ends.
     *
     * @param expiresAt when the lease ends
     * @return this builder
     */
    public Builder expiresAt(Instant expiresAt) {
      this.expiresAt = Objects.requireNonNull(expiresAt, "expiresAt");
      return this;
    }

    /**
     * Whether it can be renewed.
     *
     * @param renewable whether it can be renewed
     * @return this builder
     */
    public Builder renewable(boolean renewable) {
      this.renewable = renewable;
      return this;
    }

    /**
     * Marks the lease as capped with Vault's warning, or clears the mark with {@code null}.
     *
     * @param warning the warning
     * @return this builder
     */
    public Builder capped(@Nullable String warning) {
      this.capWarning = warning;
      return this;
    }

    /**
     * Builds the lease.
     *
     * @return the new {@code VaultLease}
     * @throws NullPointerException naming a missing field
     * @throws IllegalArgumentException if it expires before it was issued
     */
    public VaultLease build() {
      return new VaultLease(this);
    }
  }
}
