package dev.ephemera.core;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An OAuth 2.0 bearer access token (or an OIDC ID token). Its {@link #id()} is {@code sha256:}
 * followed by the token's {@linkplain Secret#fingerprint() fingerprint}, unless the issuer supplied
 * a non-secret identifier (for example a token's {@code uti} claim).
 */
public final class BearerToken implements Credential {
  private final Secret token;
  private final String id;
  private final Instant issuedAt;
  private final Instant expiresAt;
  private final String scope;
  private final Map<String, String> auditAttributes;

  private BearerToken(Builder b) {
    this.token = Objects.requireNonNull(b.token, "token");
    this.issuedAt = Objects.requireNonNull(b.issuedAt, "issuedAt");
    this.expiresAt = Objects.requireNonNull(b.expiresAt, "expiresAt");
    if (expiresAt.isBefore(issuedAt)) {
      throw new IllegalArgumentException(
          "expiresAt " + expiresAt + " is before issuedAt " + issuedAt);
    }
    this.id = b.id != null ? b.id : "sha256:" + token.fingerprint();
    this.scope = b.scope;
    this.auditAttributes = Map.copyOf(b.auditAttributes);
  }

  /**
   * {@return a token with the given lifetime and a fingerprint id}
   *
   * @param token the token
   * @param issuedAt the issued at
   * @param expiresAt the expires at
   */
  public static BearerToken of(Secret token, Instant issuedAt, Instant expiresAt) {
    return builder().token(token).issuedAt(issuedAt).expiresAt(expiresAt).build();
  }

  /** {@return a builder; token, issuedAt and expiresAt are required} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return the token, for an {@code Authorization: Bearer} header} */
  public Secret token() {
    return token;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public Instant issuedAt() {
    return issuedAt;
  }

  @Override
  public Instant expiresAt() {
    return expiresAt;
  }

  /** {@return the scope or audience the token was issued for; empty when not known} */
  public String scope() {
    return scope;
  }

  @Override
  public Map<String, String> auditAttributes() {
    return auditAttributes;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BearerToken that
        && id.equals(that.id)
        && token.equals(that.token)
        && expiresAt.equals(that.expiresAt)
        && scope.equals(that.scope);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, expiresAt, scope);
  }

  @Override
  public String toString() {
    return "BearerToken[id=" + id + ", scope=" + scope + ", expiresAt=" + expiresAt + "]";
  }

  /** Builds a {@link BearerToken}. */
  public static final class Builder {
    private @Nullable Secret token;
    private @Nullable String id;
    private @Nullable Instant issuedAt;
    private @Nullable Instant expiresAt;
    private String scope = "";
    private final Map<String, String> auditAttributes = new LinkedHashMap<>();

    private Builder() {}

    /**
     * The token value.
     *
     * @param token the token value
     * @return this builder
     */
    public Builder token(Secret token) {
      this.token = Objects.requireNonNull(token, "token");
      return this;
    }

    /**
     * A non-secret id to use instead of the fingerprint (for example a {@code uti} claim).
     *
     * @param id a non-secret id to use instead of the fingerprint (for example a {@code uti} claim)
     * @return this builder
     */
    public Builder id(String id) {
      this.id = Objects.requireNonNull(id, "id");
      return this;
    }

    /**
     * When it was issued.
     *
     * @param issuedAt when it was issued
     * @return this builder
     */
    public Builder issuedAt(Instant issuedAt) {
      this.issuedAt = Objects.requireNonNull(issuedAt, "issuedAt");
      return this;
    }

    /**
     * When it expires.
     *
     * @param expiresAt when it expires
     * @return this builder
     */
    public Builder expiresAt(Instant expiresAt) {
      this.expiresAt = Objects.requireNonNull(expiresAt, "expiresAt");
      return this;
    }

    /**
     * The scope(s) or audience, space separated.
     *
     * @param scope the scope(s) or audience, space separated
     * @return this builder
     */
    public Builder scope(String scope) {
      this.scope = Objects.requireNonNull(scope, "scope");
      return this;
    }

    /**
     * A non-secret fact for audit events.
     *
     * @param key the field or attribute name
     * @param value the value
     * @return this builder
     */
    public Builder auditAttribute(String key, String value) {
      auditAttributes.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, key));
      return this;
    }

    /**
     * Builds the token.
     *
     * @return the new {@code BearerToken}
     * @throws NullPointerException naming the missing field
     * @throws IllegalArgumentException if it expires before it was issued
     */
    public BearerToken build() {
      return new BearerToken(this);
    }
  }
}
