package dev.ephemera.aws;

import dev.ephemera.aws.internal.FrozenFuture;
import dev.ephemera.core.Credential;
import dev.ephemera.core.Secret;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Temporary AWS credentials: an access key id (the non-secret {@link #id()}), a secret access key
 * and a session token, valid until {@link #expiresAt()}.
 *
 * <p>The SDK's own {@link AwsSessionCredentials} is built once, when this object is built, so
 * handing it to an SDK client on every request costs nothing. {@link #toString()} shows the access
 * key id, the assumed role and the times, never the secret key or the session token.
 */
public final class AwsSessionCredential implements Credential {
  private final String accessKeyId;
  private final Secret secretAccessKey;
  private final Secret sessionToken;
  private final Instant issuedAt;
  private final Instant expiresAt;
  private final @Nullable String accountId;
  private final @Nullable String assumedRoleArn;
  private final Map<String, String> auditAttributes;
  private final AwsSessionCredentials sdkCredentials;
  private final CompletableFuture<AwsCredentialsIdentity> sdkIdentity;

  private AwsSessionCredential(Builder b) {
    this.accessKeyId = requireText(b.accessKeyId, "accessKeyId");
    this.secretAccessKey = Objects.requireNonNull(b.secretAccessKey, "secretAccessKey");
    this.sessionToken = Objects.requireNonNull(b.sessionToken, "sessionToken");
    this.issuedAt = Objects.requireNonNull(b.issuedAt, "issuedAt");
    this.expiresAt = Objects.requireNonNull(b.expiresAt, "expiresAt");
    if (expiresAt.isBefore(issuedAt)) {
      throw new IllegalArgumentException(
          "expiresAt " + expiresAt + " is before issuedAt " + issuedAt);
    }
    this.accountId = b.accountId;
    this.assumedRoleArn = b.assumedRoleArn;
    Map<String, String> audit = new LinkedHashMap<>();
    if (assumedRoleArn != null) {
      audit.put("assumedRoleArn", assumedRoleArn);
    }
    if (accountId != null) {
      audit.put("accountId", accountId);
    }
    if (b.requestId != null) {
      audit.put("requestId", b.requestId);
    }
    this.auditAttributes = Map.copyOf(audit);
    AwsSessionCredentials.Builder sdk =
        AwsSessionCredentials.builder()
            .accessKeyId(accessKeyId)
            .secretAccessKey(secretAccessKey.reveal())
            .sessionToken(sessionToken.reveal())
            .expirationTime(expiresAt)
            .providerName(b.providerName);
    if (accountId != null) {
      sdk.accountId(accountId);
    }
    this.sdkCredentials = sdk.build();
    this.sdkIdentity = FrozenFuture.of(sdkCredentials);
  }

  /**
   * {@return a builder; access key id, secret key, session token, issuedAt and expiresAt are
   * required}
   */
  public static Builder builder() {
    return new Builder();
  }

  /** The access key id (an {@code ASIA...} value): not secret, it names the credential. */
  @Override
  public String id() {
    return accessKeyId;
  }

  /** {@return the access key id; the same as {@link #id()}} */
  public String accessKeyId() {
    return accessKeyId;
  }

  /** {@return the secret access key} */
  public Secret secretAccessKey() {
    return secretAccessKey;
  }

  /** {@return the session token, sent as {@code X-Amz-Security-Token}} */
  public Secret sessionToken() {
    return sessionToken;
  }

  @Override
  public Instant issuedAt() {
    return issuedAt;
  }

  @Override
  public Instant expiresAt() {
    return expiresAt;
  }

  /** {@return the AWS account the credentials belong to, when the upstream said} */
  public Optional<String> accountId() {
    return Optional.ofNullable(accountId);
  }

  /** {@return the STS {@code AssumedRoleUser} ARN, for credentials from STS} */
  public Optional<String> assumedRoleArn() {
    return Optional.ofNullable(assumedRoleArn);
  }

  /** {@code assumedRoleArn}, {@code accountId} and the upstream {@code requestId}, when known. */
  @Override
  public Map<String, String> auditAttributes() {
    return auditAttributes;
  }

  /**
   * {@return the same credentials as the SDK's type, built once with this object: pass them to a
   * presigner or any API that takes {@code AwsCredentials}}
   */
  public AwsSessionCredentials toSdkCredentials() {
    return sdkCredentials;
  }

  /** The SDK identity as an already-completed future that nobody can change. */
  CompletableFuture<AwsCredentialsIdentity> sdkIdentity() {
    return sdkIdentity;
  }

  /** Equal when the access key id, both secrets and the expiry are equal. */
  @Override
  public boolean equals(Object o) {
    return o instanceof AwsSessionCredential that
        && accessKeyId.equals(that.accessKeyId)
        && secretAccessKey.equals(that.secretAccessKey)
        && sessionToken.equals(that.sessionToken)
        && expiresAt.equals(that.expiresAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(accessKeyId, expiresAt);
  }

  @Override
  public String toString() {
    return "AwsSessionCredential[id="
        + accessKeyId
        + (assumedRoleArn == null ? "" : ", assumedRole=" + assumedRoleArn)
        + ", issuedAt="
        + issuedAt
        + ", expiresAt="
        + expiresAt
        + "]";
  }

  private static String requireText(@Nullable String value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
    return value;
  }

  /** Builds an {@link AwsSessionCredential}. */
  public static final class Builder {
    private @Nullable String accessKeyId;
    private @Nullable Secret secretAccessKey;
    private @Nullable Secret sessionToken;
    private @Nullable Instant issuedAt;
    private @Nullable Instant expiresAt;
    private @Nullable String accountId;
    private @Nullable String assumedRoleArn;
    private @Nullable String requestId;
    private String providerName = "Ephemera";

    private Builder() {}

    /**
     * The access key id.
     *
     * @param accessKeyId the access key id
     * @return this builder
     */
    public Builder accessKeyId(String accessKeyId) {
      this.accessKeyId = Objects.requireNonNull(accessKeyId, "accessKeyId");
      return this;
    }

    /**
     * The secret access key.
     *
     * @param secretAccessKey the secret access key
     * @return this builder
     */
    public Builder secretAccessKey(Secret secretAccessKey) {
      this.secretAccessKey = Objects.requireNonNull(secretAccessKey, "secretAccessKey");
      return this;
    }

    /**
     * The session token.
     *
     * @param sessionToken the session token
     * @return this builder
     */
    public Builder sessionToken(Secret sessionToken) {
      this.sessionToken = Objects.requireNonNull(sessionToken, "sessionToken");
      return this;
    }

    /**
     * When the credentials were received.
     *
     * @param issuedAt when the credentials were received
     * @return this builder
     */
    public Builder issuedAt(Instant issuedAt) {
      this.issuedAt = Objects.requireNonNull(issuedAt, "issuedAt");
      return this;
    }

    /**
     * When they expire, as the upstream says.
     *
     * @param expiresAt when they expire, as the upstream says
     * @return this builder
     */
    public Builder expiresAt(Instant expiresAt) {
      this.expiresAt = Objects.requireNonNull(expiresAt, "expiresAt");
      return this;
    }

    /**
     * The account id, when known.
     *
     * @param accountId the account id, when known
     * @return this builder
     */
    public Builder accountId(String accountId) {
      this.accountId = Objects.requireNonNull(accountId, "accountId");
      return this;
    }

    /**
     * The STS assumed-role user ARN, when known.
     *
     * @param assumedRoleArn the STS assumed-role user ARN, when known
     * @return this builder
     */
    public Builder assumedRoleArn(String assumedRoleArn) {
      this.assumedRoleArn = Objects.requireNonNull(assumedRoleArn, "assumedRoleArn");
      return this;
    }

    /**
     * The upstream's request id, for audit.
     *
     * @param requestId the upstream's request id, for audit
     * @return this builder
     */
    public Builder requestId(String requestId) {
      this.requestId = Objects.requireNonNull(requestId, "requestId");
      return this;
    }

    /**
     * The provider name the SDK reports in its metrics and user agent; default "Ephemera".
     *
     * @param providerName the provider name the SDK reports in its metrics and user agent; default
     *     "Ephemera"
     * @return this builder
     */
    public Builder providerName(String providerName) {
      this.providerName = Objects.requireNonNull(providerName, "providerName");
      return this;
    }

    /**
     * Builds the credential.
     *
     * @return the new {@code AwsSessionCredential}
     * @throws NullPointerException naming a missing field
     * @throws IllegalArgumentException if the access key id is blank or it expires before issue
     */
    public AwsSessionCredential build() {
      return new AwsSessionCredential(this);
    }
  }
}
