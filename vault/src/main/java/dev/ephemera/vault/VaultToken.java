package dev.ephemera.vault;

import dev.ephemera.core.Credential;
import dev.ephemera.core.Secret;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A Vault client token. Its {@link #id()} is the token's <em>accessor</em>, which identifies the
 * token in Vault's audit log without granting anything; the token itself is a {@link Secret}.
 *
 * <p>{@link #issuedAt()} is when the current TTL began (the login, or the last renew-self), so
 * {@code expiresAt - issuedAt} is the lifetime Vault granted last. A renewal keeps the accessor: to
 * the refresh engine it is the same credential, extended.
 */
public final class VaultToken implements Credential {
  private final Secret token;
  private final String accessor;
  private final Instant issuedAt;
  private final Instant expiresAt;
  private final boolean renewable;
  private final List<String> policies;
  private final String authPath;
  private final Map<String, String> metadata;
  private final @Nullable String capWarning;

  private VaultToken(Builder b) {
    this.token = Objects.requireNonNull(b.token, "token");
    this.accessor = requireText(b.accessor, "accessor");
    this.issuedAt = Objects.requireNonNull(b.issuedAt, "issuedAt");
    this.expiresAt = Objects.requireNonNull(b.expiresAt, "expiresAt");
    if (expiresAt.isBefore(issuedAt)) {
      throw new IllegalArgumentException(
          "expiresAt " + expiresAt + " is before issuedAt " + issuedAt);
    }
    this.renewable = b.renewable;
    this.policies = List.copyOf(b.policies);
    this.authPath = b.authPath;
    this.metadata = Map.copyOf(b.metadata);
    this.capWarning = b.capWarning;
  }

  /** {@return a builder; token, accessor, issuedAt and expiresAt are required} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return the token, for an {@code X-Vault-Token} header} */
  public Secret token() {
    return token;
  }

  /** The accessor: non-secret, stable across renewals. */
  @Override
  public String id() {
    return accessor;
  }

  /** {@return the accessor (same as {@link #id()})} */
  public String accessor() {
    return accessor;
  }

  @Override
  public Instant issuedAt() {
    return issuedAt;
  }

  @Override
  public Instant expiresAt() {
    return expiresAt;
  }

  /** {@return whether renew-self may extend it} */
  public boolean renewable() {
    return renewable;
  }

  /** {@return its policies} */
  public List<String> policies() {
    return policies;
  }

  /** {@return the auth mount it came from, e.g. {@code auth/kubernetes}; empty when unknown} */
  public String authPath() {
    return authPath;
  }

  /**
   * {@return the login's non-secret metadata (e.g. {@code role}, {@code service_account_name});
   * empty when unknown}
   */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** {@return true when Vault capped the last renewal at the token's max TTL} */
  public boolean capped() {
    return capWarning != null;
  }

  /**
   * A builder starting from this token, for a renewal: same token and accessor, new times.
   *
   * @return a builder holding every field of this token
   */
  public Builder toBuilder() {
    Builder b =
        new Builder()
            .token(token)
            .accessor(accessor)
            .issuedAt(issuedAt)
            .expiresAt(expiresAt)
            .renewable(renewable)
            .policies(policies)
            .authPath(authPath)
            .metadata(metadata);
    b.capWarning = capWarning;
    return b;
  }

  @Override
  public Map<String, String> auditAttributes() {
    Map<String, String> a = new LinkedHashMap<>();
    if (!authPath.isEmpty()) {
      a.put("authPath", authPath);
    }
    a.put("policies", String.join(",", policies));
    a.put("renewable", Boolean.toString(renewable));
    if (capWarning != null) {
      a.put("ttlCapped", capWarning);
    }
    return a;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VaultToken that
        && accessor.equals(that.accessor)
        && token.equals(that.token)
        && expiresAt.equals(that.expiresAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(accessor, expiresAt);
  }

  @Override
  public String toString() {
    return "VaultToken[accessor="
        + accessor
        + ", policies="
        + policies
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

  /** Builds a {@link VaultToken}. */
  public static final class Builder {
    private @Nullable Secret token;
    private @Nullable String accessor;
    private @Nullable Instant issuedAt;
    private @Nullable Instant expiresAt;
    private boolean renewable;
    private List<String> policies = List.of();
    private String authPath = "";
    private Map<String, String> metadata = Map.of();
    private @Nullable String capWarning;

    private Builder() {}

    /**
     * The token.
     *
     * @param token the token
     * @return this builder
     */
    public Builder token(Secret token) {
      this.token = Objects.requireNonNull(token, "token");
      return this;
    }

    /**
     * The accessor.
     *
     * @param accessor the token accessor
     * @return this builder
     */
    public Builder accessor(String accessor) {
      this.accessor = requireText(accessor, "accessor");
      return this;
    }

    /**
     * When the current TTL began.
     *
     * @param issuedAt when the current TTL began
     * @return this builder
     */
    public Builder issuedAt(Instant issuedAt) {
      this.issuedAt = Objects.requireNonNull(issuedAt, "issuedAt");
      return this;
    }

    /**
     * When the current TTL ends.
     *
     * @param expiresAt when the current TTL ends
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
     * Its policies.
     *
     * @param policies its policies
     * @return this builder
     */
    public Builder policies(List<String> policies) {
      this.policies = List.copyOf(policies);
      return this;
    }

    /**
     * The auth mount it came from.
     *
     * @param authPath the auth mount it came from
     * @return this builder
     */
    public Builder authPath(String authPath) {
      this.authPath = Objects.requireNonNull(authPath, "authPath");
      return this;
    }

    /**
     * The login's non-secret metadata.
     *
     * @param metadata the login's non-secret metadata
     * @return this builder
     */
    public Builder metadata(Map<String, String> metadata) {
      this.metadata = Map.copyOf(metadata);
      return this;
    }

    /**
     * Marks the token as capped at its max TTL, with Vault's warning (non-secret), or clears the
     * mark with {@code null}.
     *
     * @param warning the warning
     * @return this builder
     */
    public Builder capped(@Nullable String warning) {
      this.capWarning = warning;
      return this;
    }

    /**
     * Builds the token.
     *
     * @return the new {@code VaultToken}
     * @throws NullPointerException naming a missing field
     * @throws IllegalArgumentException if it expires before it was issued
     */
    public VaultToken build() {
      return new VaultToken(this);
    }
  }
}
