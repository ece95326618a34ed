package dev.ephemera.gcp;

import com.google.api.client.json.GenericJson;
import com.google.api.client.json.gson.GsonFactory;
import dev.ephemera.core.CredentialConfigurationException;
import dev.ephemera.core.spi.http.BoundedBody;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A Workload Identity Federation configuration: the {@code external_account} JSON that {@code
 * gcloud iam workload-identity-pools create-cred-config} writes, for a subject token read from a
 * file (a Kubernetes projected service-account token). Immutable; {@link #read(Path)} or {@link
 * #builder()}.
 *
 * <p>Supported: {@code credential_source.file} with {@code format} {@code text} or {@code json};
 * subject token types {@code jwt} and {@code id_token}; optional service-account impersonation with
 * {@code token_lifetime_seconds} (600 to 43,200). Other credential sources (URL, executable, AWS,
 * certificate) and workforce pools are refused with a {@link CredentialConfigurationException}
 * naming the field.
 */
public final class ExternalAccountConfig {
  static final String JWT = "urn:ietf:params:oauth:token-type:jwt";
  static final String ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token";
  private static final int MAX_FILE = 64 * 1024;
  private static final Duration MIN_LIFETIME = Duration.ofSeconds(600);
  private static final Duration MAX_LIFETIME = Duration.ofSeconds(43_200);
  private static final BigDecimal MIN_LIFETIME_SECONDS = BigDecimal.valueOf(600);
  private static final BigDecimal MAX_LIFETIME_SECONDS = BigDecimal.valueOf(43_200);
  private static final Pattern IMPERSONATION =
      Pattern.compile(".*/serviceAccounts/([^/:]+):generateAccessToken$");

  private final String audience;
  private final String subjectTokenType;
  private final URI tokenUrl;
  private final Path subjectTokenFile;
  private final @Nullable String subjectTokenField;
  private final @Nullable URI impersonationUrl;
  private final @Nullable String serviceAccount;
  private final Duration tokenLifetime;
  private final String universeDomain;
  private final @Nullable String quotaProjectId;
  private final String origin;

  private ExternalAccountConfig(Builder b) {
    String where = b.origin;
    this.origin = where;
    this.audience = require(b.audience, field(where, "audience"));
    if (!audience.startsWith("//iam.googleapis.com/")
        || !audience.contains("/workloadIdentityPools/")
        || !audience.contains("/providers/")) {
      String problem =
          audience.contains("/workforcePools/")
              ? "names a workforce pool; only workload identity pools are supported"
              : "must be a provider's full resource name,"
                  + " //iam.googleapis.com/projects/N/locations/global/workloadIdentityPools/P/providers/X";
      throw new CredentialConfigurationException(field(where, "audience"), problem);
    }
    this.subjectTokenType = b.subjectTokenType;
    if (!subjectTokenType.equals(JWT) && !subjectTokenType.equals(ID_TOKEN)) {
      throw new CredentialConfigurationException(
          field(where, "subject_token_type"),
          "is " + subjectTokenType + "; only " + JWT + " and " + ID_TOKEN + " are supported");
    }
    this.universeDomain = b.universeDomain;
    this.tokenUrl =
        url(
            b.tokenUrl != null ? b.tokenUrl : "https://sts." + universeDomain + "/v1/token",
            field(where, "token_url"));
    if (b.subjectTokenFile == null) {
      throw new CredentialConfigurationException(
          field(where, "credential_source.file"), "is required");
    }
    this.subjectTokenFile = b.subjectTokenFile;
    this.subjectTokenField = b.subjectTokenField;
    if (b.impersonationUrl != null) {
      URI u = url(b.impersonationUrl, field(where, "service_account_impersonation_url"));
      Matcher m = IMPERSONATION.matcher(u.getPath() == null ? "" : u.getPath());
      if (!m.matches()) {
        throw new CredentialConfigurationException(
            field(where, "service_account_impersonation_url"),
            "must end in /serviceAccounts/EMAIL:generateAccessToken: " + u);
      }
      this.impersonationUrl = u;
      this.serviceAccount = m.group(1);
    } else {
      this.impersonationUrl = null;
      this.serviceAccount = null;
    }
    Duration lifetime = b.tokenLifetime;
    if (lifetime.compareTo(MIN_LIFETIME) < 0
        || lifetime.compareTo(MAX_LIFETIME) > 0
        || lifetime.getNano() != 0) {
      throw new CredentialConfigurationException(
          field(where, "service_account_impersonation.token_lifetime_seconds"),
          "must be a whole number of seconds from 600 to 43200, not " + lifetime);
    }
    this.tokenLifetime = lifetime;
    this.quotaProjectId = b.quotaProjectId;
  }

  /** {@return a builder for an explicit configuration} */
  public static Builder builder() {
    return new Builder("externalAccount");
  }

  /**
   * Reads an {@code external_account} file.
   *
   * @param file the file
   * @return the parsed configuration
   * @throws CredentialConfigurationException if the file is missing, unreadable, not JSON, not an
   *     {@code external_account} configuration, or has a missing or malformed field
   */
  public static ExternalAccountConfig read(Path file) {
    return read(file, "credential configuration " + file);
  }

  static ExternalAccountConfig read(Path file, String setting) {
    Objects.requireNonNull(file, "file");
    String text;
    try (InputStream in = Files.newInputStream(file)) {
      text = BoundedBody.readUtf8(in, MAX_FILE, "the credential configuration " + file);
    } catch (BoundedBody.TooLargeException e) {
      throw new CredentialConfigurationException(
          setting,
          "names a file longer than "
              + MAX_FILE
              + " bytes: "
              + file
              + "; gcloud writes a few hundred bytes");
    } catch (NoSuchFileException e) {
      throw new CredentialConfigurationException(
          setting, "names a file that does not exist: " + file);
    } catch (IOException | RuntimeException e) {
      throw new CredentialConfigurationException(
          setting,
          "names a file that cannot be read: " + file + " (" + e.getClass().getSimpleName() + ")");
    }
    return parse(text, setting);
  }

  /**
   * Parses {@code external_account} JSON.
   *
   * @param json the json
   * @param setting names the configuration's origin in error messages
   * @return the parsed configuration
   * @throws CredentialConfigurationException as {@link #read(Path)}
   */
  public static ExternalAccountConfig parse(String json, String setting) {
    Map<String, Object> root = parseObject(json, setting);
    Object type = root.get("type");
    if (!"external_account".equals(type)) {
      String problem =
          "service_account".equals(type)
              ? "holds a service-account key; Ephemera uses keyless workload identity"
                  + " (type external_account) only"
              : "has type " + (type == null ? "(none)" : type) + ", expected external_account";
      throw new CredentialConfigurationException(setting, problem);
    }
    Builder b = new Builder(setting);
    b.audience = string(root, "audience", setting, true);
    String tokenType = string(root, "subject_token_type", setting, true);
    if (tokenType != null) {
      b.subjectTokenType = tokenType;
    }
    b.tokenUrl = string(root, "token_url", setting, false);
    b.impersonationUrl = string(root, "service_account_impersonation_url", setting, false);
    String universe = string(root, "universe_domain", setting, false);
    if (universe != null) {
      b.universeDomain = universe;
    }
    b.quotaProjectId = string(root, "quota_project_id", setting, false);
    if (root.get("workforce_pool_user_project") != null) {
      throw new CredentialConfigurationException(
          field(setting, "workforce_pool_user_project"),
          "is set: workforce pools (human users) are not supported");
    }
    Object impersonation = root.get("service_account_impersonation");
    if (impersonation != null) {
      Map<String, Object> imp =
          object(impersonation, field(setting, "service_account_impersonation"));
      Object lifetime = imp.get("token_lifetime_seconds");
      if (lifetime != null) {
        b.tokenLifetime = lifetimeSeconds(lifetime, setting);
      }
    }
    Object source = root.get("credential_source");
    if (source == null) {
      throw new CredentialConfigurationException(
          field(setting, "credential_source"), "is required");
    }
    Map<String, Object> src = object(source, field(setting, "credential_source"));
    for (String unsupported : new String[] {"url", "executable", "environment_id", "certificate"}) {
      if (src.containsKey(unsupported)) {
        throw new CredentialConfigurationException(
            field(setting, "credential_source." + unsupported),
            "is not supported: Ephemera reads the subject token from a file (credential_source.file)");
      }
    }
    String file = string(src, "file", field(setting, "credential_source"), true);
    b.subjectTokenFile = Path.of(Objects.requireNonNull(file));
    Object format = src.get("format");
    if (format != null) {
      Map<String, Object> f = object(format, field(setting, "credential_source.format"));
      String kind = string(f, "type", field(setting, "credential_source.format"), false);
      if ("json".equals(kind)) {
        b.subjectTokenField =
            string(f, "subject_token_field_name", field(setting, "credential_source.format"), true);
      } else if (kind != null && !kind.equals("text")) {
        throw new CredentialConfigurationException(
            field(setting, "credential_source.format.type"), "must be text or json, not " + kind);
      }
    }
    return new ExternalAccountConfig(b);
  }

  /**
   * {@code token_lifetime_seconds}: a whole number from 600 to 43200, compared as written (a number
   * outside {@code long}, or {@code 1e999999999}, is refused without being expanded or truncated to
   * its low bits).
   */
  private static Duration lifetimeSeconds(Object value, String setting) {
    String name = field(setting, "service_account_impersonation.token_lifetime_seconds");
    if (!(value instanceof BigDecimal n)) {
      throw new CredentialConfigurationException(name, "must be a number of seconds");
    }
    if (n.compareTo(MIN_LIFETIME_SECONDS) < 0 || n.compareTo(MAX_LIFETIME_SECONDS) > 0) {
      String shown = n.precision() <= 20 ? n.toString() : "a " + n.precision() + "-digit number";
      throw new CredentialConfigurationException(
          name, "must be 600 to 43200 seconds, not " + shown);
    }
    try {
      return Duration.ofSeconds(n.longValueExact());
    } catch (ArithmeticException e) {
      throw new CredentialConfigurationException(name, "must be a whole number of seconds");
    }
  }

  private static Map<String, Object> parseObject(String json, String setting) {
    try {
      GenericJson parsed =
          GsonFactory.getDefaultInstance().createJsonParser(json).parseAndClose(GenericJson.class);
      if (parsed == null) {
        throw new CredentialConfigurationException(setting, "is empty");
      }
      return parsed;
    } catch (CredentialConfigurationException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      // The parser fails in many ways on bad input (even a NullPointerException when truncated):
      // none of them is worth a stack trace.
      throw new CredentialConfigurationException(setting, "is not a JSON object");
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(Object value, String setting) {
    if (value instanceof Map<?, ?> m) {
      return (Map<String, Object>) m;
    }
    throw new CredentialConfigurationException(setting, "must be a JSON object");
  }

  private static @Nullable String string(
      Map<String, Object> json, String name, String setting, boolean required) {
    Object v = json.get(name);
    if (v == null) {
      if (required) {
        throw new CredentialConfigurationException(field(setting, name), "is required");
      }
      return null;
    }
    if (!(v instanceof String s) || s.isBlank()) {
      throw new CredentialConfigurationException(
          field(setting, name), "must be a non-empty string");
    }
    return s.strip();
  }

  private static String field(String origin, String name) {
    return origin + ": " + name;
  }

  private static String require(@Nullable String value, String setting) {
    if (value == null || value.isBlank()) {
      throw new CredentialConfigurationException(setting, "is required");
    }
    return value;
  }

  private static URI url(String value, String setting) {
    URI u;
    try {
      u = new URI(value);
    } catch (URISyntaxException e) {
      throw new CredentialConfigurationException(setting, "is not a URL: " + value);
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("https") || scheme.equals("http")) || u.getHost() == null) {
      throw new CredentialConfigurationException(
          setting, "must be an https URL with a host: " + value);
    }
    return u;
  }

  /** {@return the workload identity pool provider: STS's {@code audience}} */
  public String audience() {
    return audience;
  }

  /** {@return the subject token type} */
  public String subjectTokenType() {
    return subjectTokenType;
  }

  /** {@return STS's token URL} */
  public URI tokenUrl() {
    return tokenUrl;
  }

  /** {@return the projected token file, read again at every issuance} */
  public Path subjectTokenFile() {
    return subjectTokenFile;
  }

  /** {@return for a JSON subject-token file, the field holding the token} */
  public Optional<String> subjectTokenField() {
    return Optional.ofNullable(subjectTokenField);
  }

  /** {@return IAM Credentials' {@code generateAccessToken} URL, when impersonating} */
  public Optional<URI> impersonationUrl() {
    return Optional.ofNullable(impersonationUrl);
  }

  /** {@return the service account impersonated, if any} */
  public Optional<String> serviceAccount() {
    return Optional.ofNullable(serviceAccount);
  }

  /** {@return the lifetime asked of impersonated tokens} */
  public Duration tokenLifetime() {
    return tokenLifetime;
  }

  /** {@return the universe domain; {@code googleapis.com} by default} */
  public String universeDomain() {
    return universeDomain;
  }

  /** {@return the quota project, if any} */
  public Optional<String> quotaProjectId() {
    return Optional.ofNullable(quotaProjectId);
  }

  /** {@return where the configuration came from (a file, or {@code externalAccount})} */
  public String origin() {
    return origin;
  }

  @Override
  public String toString() {
    return "ExternalAccountConfig[audience="
        + audience
        + ", tokenUrl="
        + tokenUrl
        + ", subjectTokenFile="
        + subjectTokenFile
        + (serviceAccount == null
            ? ""
            : ", impersonate=" + serviceAccount + " for " + tokenLifetime)
        + "]";
  }

  /** Builds an {@link ExternalAccountConfig}; {@link #build()} validates like {@link #read}. */
  public static final class Builder {
    private final String origin;
    private @Nullable String audience;
    private String subjectTokenType = JWT;
    private @Nullable String tokenUrl;
    private @Nullable Path subjectTokenFile;
    private @Nullable String subjectTokenField;
    private @Nullable String impersonationUrl;
    private Duration tokenLifetime = Duration.ofHours(1);
    private String universeDomain = "googleapis.com";
    private @Nullable String quotaProjectId;

    private Builder(String origin) {
      this.origin = origin;
    }

    /**
     * The workload identity pool provider's full resource name. Required.
     *
     * @param audience the workload identity pool provider's full resource name
     * @return this builder
     */
    public Builder audience(String audience) {
      this.audience = Objects.requireNonNull(audience, "audience");
      return this;
    }

    /**
     * The subject token type; default {@code urn:ietf:params:oauth:token-type:jwt}.
     *
     * @param type the subject token type; default {@code urn:ietf:params:oauth:token-type:jwt}
     * @return this builder
     */
    public Builder subjectTokenType(String type) {
      this.subjectTokenType = Objects.requireNonNull(type, "subjectTokenType");
      return this;
    }

    /**
     * STS's token URL; default {@code https://sts.UNIVERSE/v1/token}.
     *
     * @param url the URL
     * @return this builder
     */
    public Builder tokenUrl(String url) {
      this.tokenUrl = Objects.requireNonNull(url, "tokenUrl");
      return this;
    }

    /**
     * The projected token file. Required.
     *
     * @param file the projected token file
     * @return this builder
     */
    public Builder subjectTokenFile(Path file) {
      this.subjectTokenFile = Objects.requireNonNull(file, "subjectTokenFile");
      return this;
    }

    /**
     * The file holds JSON; the token is in this field.
     *
     * @param field the file holds JSON; the token is in this field
     * @return this builder
     */
    public Builder subjectTokenJsonField(String field) {
      this.subjectTokenField = Objects.requireNonNull(field, "subjectTokenJsonField");
      return this;
    }

    /**
     * Impersonate a service account at this {@code generateAccessToken} URL.
     *
     * @param url the URL
     * @return this builder
     */
    public Builder serviceAccountImpersonationUrl(String url) {
      this.impersonationUrl = Objects.requireNonNull(url, "serviceAccountImpersonationUrl");
      return this;
    }

    /**
     * Impersonate {@code email} at IAM Credentials in the universe domain.
     *
     * @param email the service account email
     * @return this builder
     */
    public Builder impersonate(String email) {
      Objects.requireNonNull(email, "email");
      this.impersonationUrl =
          "https://iamcredentials."
              + universeDomain
              + "/v1/projects/-/serviceAccounts/"
              + email
              + ":generateAccessToken";
      return this;
    }

    /**
     * The lifetime of impersonated tokens, 10 minutes to 12 hours; default 1 hour.
     *
     * @param lifetime the lifetime of impersonated tokens, 10 minutes to 12 hours; default 1 hour
     * @return this builder
     */
    public Builder tokenLifetime(Duration lifetime) {
      this.tokenLifetime = Objects.requireNonNull(lifetime, "tokenLifetime");
      return this;
    }

    /**
     * The universe domain; default {@code googleapis.com}.
     *
     * @param domain the universe domain; default {@code googleapis.com}
     * @return this builder
     */
    public Builder universeDomain(String domain) {
      this.universeDomain = Objects.requireNonNull(domain, "universeDomain");
      return this;
    }

    /**
     * The quota project sent as {@code x-goog-user-project} by the adapter.
     *
     * @param project the quota project sent as {@code x-goog-user-project} by the adapter
     * @return this builder
     */
    public Builder quotaProjectId(String project) {
      this.quotaProjectId = Objects.requireNonNull(project, "quotaProjectId");
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @return the new {@code ExternalAccountConfig}
     * @throws CredentialConfigurationException naming a missing or malformed setting
     */
    public ExternalAccountConfig build() {
      return new ExternalAccountConfig(this);
    }
  }
}
