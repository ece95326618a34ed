package dev.ephemera.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.identity.AzureAuthorityHosts;
import dev.ephemera.azure.internal.AuthorityHosts;
import dev.ephemera.azure.internal.EntraClient;
import dev.ephemera.azure.internal.EntraTokenIssuer;
import dev.ephemera.azure.internal.WorkloadIdentitySettings;
import dev.ephemera.core.BearerToken;
import dev.ephemera.core.CredentialConfigurationException;
import dev.ephemera.core.CredentialSource;
import dev.ephemera.core.CredentialSources;
import dev.ephemera.core.Environment;
import dev.ephemera.core.refresh.EngineConfigurable;
import dev.ephemera.core.refresh.EngineSettings;
import dev.ephemera.core.scope.ScopedCredentials;
import dev.ephemera.core.spi.CredentialIssuer;
import java.net.URI;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Azure Workload Identity: the pod's projected service-account token exchanged at Microsoft Entra
 * ID for access tokens, one refreshed source per scope, and an azure-core {@link TokenCredential}
 * for every Azure SDK client.
 *
 * <pre>{@code
 * AzureWorkloadIdentity identity = AzureWorkloadIdentity.fromEnvironment();
 * BlobServiceClient blobs = new BlobServiceClientBuilder()
 *     .endpoint("https://myaccount.blob.core.windows.net")
 *     .credential(identity.tokenCredential())
 *     .buildClient();
 * BearerToken vault = identity.token("https://vault.azure.net/.default");
 * }</pre>
 *
 * <p>{@link #fromEnvironment()} reads what the Azure Workload Identity webhook injects: {@value
 * #AZURE_CLIENT_ID}, {@value #AZURE_TENANT_ID}, {@value #AZURE_FEDERATED_TOKEN_FILE} and, for
 * sovereign clouds, {@value #AZURE_AUTHORITY_HOST} (default {@code
 * https://login.microsoftonline.com/}). The token file is read again at every issuance.
 *
 * <p>Thread-safe. {@link #close()} closes every scope's source and drops every token.
 */
public final class AzureWorkloadIdentity implements AutoCloseable {
  /** The application (client) id: an app registration or a user-assigned managed identity. */
  public static final String AZURE_CLIENT_ID = "AZURE_CLIENT_ID";

  /** The Entra tenant id. */
  public static final String AZURE_TENANT_ID = "AZURE_TENANT_ID";

  /** The projected service-account token file (audience {@code api://AzureADTokenExchange}). */
  public static final String AZURE_FEDERATED_TOKEN_FILE = "AZURE_FEDERATED_TOKEN_FILE";

  /** The Entra authority host, e.g. {@code https://login.microsoftonline.us/}; optional. */
  public static final String AZURE_AUTHORITY_HOST = "AZURE_AUTHORITY_HOST";

  /** Default for {@link Builder#connectTimeout(Duration)}. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /** Default for {@link Builder#readTimeout(Duration)}. */
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(10);

  /** Default for {@link Builder#scopeIdleTimeout(Duration)}. */
  public static final Duration DEFAULT_SCOPE_IDLE_TIMEOUT = Duration.ofHours(3);

  private static final Pattern GUID =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9.-]{1,256}");

  /** The default prefix of source names. */
  private static final String DEFAULT_NAME = "azure";

  private final EntraClient client;
  private final EngineSettings engine;
  private final ScopedCredentials<String, BearerToken> scopes;
  private final EphemeraTokenCredential tokenCredential;

  private AzureWorkloadIdentity(Builder b, WorkloadIdentitySettings settings, HttpClient http) {
    this.client = new EntraClient(settings, http);
    this.engine = b.engine.build();
    this.scopes =
        ScopedCredentials.<String, BearerToken>builder(this::newSource)
            .expireAfterAccess(b.scopeIdleTimeout)
            .maximumSize(b.maximumScopes)
            .timebase(engine.timebase())
            .build();
    this.tokenCredential = new EphemeraTokenCredential(this::source, settings.tenantId());
  }

  /**
   * {@return an identity configured from the process environment}
   *
   * @throws CredentialConfigurationException naming the first missing or malformed variable
   */
  public static AzureWorkloadIdentity fromEnvironment() {
    return fromEnvironment(Environment.system());
  }

  /**
   * {@return an identity configured from {@code environment} (tests pass {@link Environment#of})}
   *
   * @param environment the environment to read the settings from
   * @throws CredentialConfigurationException naming the first missing or malformed variable
   */
  public static AzureWorkloadIdentity fromEnvironment(Environment environment) {
    return builder().environment(environment).build();
  }

  /**
   * {@return a builder; settings it is not given come from its {@link Builder#environment}, if any}
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * {@return the source of tokens for {@code scope} (e.g. {@code
   * https://storage.azure.com/.default}), created on first use and refreshed on its own schedule
   * until idle for the scope idle timeout}
   *
   * @param scope the scope
   * @throws CredentialConfigurationException if {@code scope} is not one resource's {@code
   *     /.default} scope
   */
  public CredentialSource<BearerToken> source(String scope) {
    return scopes.source(checkScope(scope));
  }

  /**
   * {@return a token for {@code scope} that is valid now: {@code source(scope).get()}}
   *
   * @param scope the scope
   * @throws dev.ephemera.core.CredentialUnavailableException if none can be had
   */
  public BearerToken token(String scope) {
    return scopes.get(checkScope(scope));
  }

  /** {@return the azure-core credential for Azure SDK clients; one instance per identity} */
  public TokenCredential tokenCredential() {
    return tokenCredential;
  }

  /**
   * {@return a bare issuer for {@code scope}: one round trip to Entra per {@code issue()}, with no
   * caching or scheduling} For building a source with {@link CredentialSources#refreshing}
   * yourself.
   *
   * @param scope the scope
   */
  public CredentialIssuer<BearerToken> issuer(String scope) {
    return new EntraTokenIssuer(client, checkScope(scope), engine.timebase().clock());
  }

  /** {@return the scopes with a live source} */
  public Set<String> scopes() {
    return scopes.scopes();
  }

  /** {@return the application (client) id} */
  public String clientId() {
    return client.settings().clientId();
  }

  /** {@return the tenant id} */
  public String tenantId() {
    return client.settings().tenantId();
  }

  /** {@return the authority host, with a trailing slash} */
  public URI authorityHost() {
    return client.settings().authorityHost();
  }

  /** {@return the projected token file} */
  public Path tokenFile() {
    return client.settings().tokenFile();
  }

  /** Closes every scope's source and drops every token. Idempotent. */
  @Override
  public void close() {
    scopes.close();
    tokenCredential.clear();
  }

  @Override
  public String toString() {
    return "AzureWorkloadIdentity[client "
        + clientId()
        + ", tenant "
        + tenantId()
        + ", authority "
        + authorityHost()
        + ", file "
        + tokenFile()
        + "]";
  }

  private CredentialSource<BearerToken> newSource(String scope) {
    var source =
        CredentialSources.refreshing(
            new EntraTokenIssuer(client, scope, engine.timebase().clock()));
    engine.applyTo(source, DEFAULT_NAME);
    return source.name(engine.name().orElse(DEFAULT_NAME) + "[" + scope + "]").build();
  }

  private static String checkScope(String scope) {
    Objects.requireNonNull(scope, "scope");
    if (scope.isBlank() || scope.chars().anyMatch(Character::isWhitespace)) {
      throw new CredentialConfigurationException(
          "scope", "must be one scope without spaces, e.g. https://storage.azure.com/.default");
    }
    if (!scope.endsWith("/.default")) {
      throw new CredentialConfigurationException(
          "scope",
          "'"
              + scope
              + "' is not a resource's /.default scope, the only kind the client-credentials grant"
              + " accepts (e.g. https://storage.azure.com/.default)");
    }
    return scope;
  }

  /**
   * Builds an {@link AzureWorkloadIdentity}. Every setter validates its argument; {@link #build()}
   * falls back to the {@link #environment} for what was not set and names the missing setting.
   *
   * <p>The engine settings are the ones every Ephemera backend builder shares ({@link
   * EngineConfigurable}): {@code name} is the prefix of each scope's source name, {@code
   * name[scope]} (default {@code azure}); {@code refreshPolicy}, {@code timebase}, {@code
   * auditListener(s)}, {@code auditHost}, {@code prefetch} and {@code random} apply to every
   * scope's source.
   *
   * <p>There is no {@code allowPlainHttp} opt-in here, unlike the other backends: MSAL accepts only
   * https authorities, loopback included, so the authority host is always https (tests serve the
   * testkit's loopback certificate).
   */
  public static final class Builder implements EngineConfigurable<Builder> {
    private final EngineSettings.Builder engine = EngineSettings.builder();
    private @Nullable Environment environment;
    private @Nullable String clientId;
    private @Nullable String tenantId;
    private @Nullable Path tokenFile;
    private @Nullable String authorityHost;
    private @Nullable Boolean instanceDiscovery;
    private @Nullable HttpClient httpClient;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration readTimeout = DEFAULT_READ_TIMEOUT;
    private Duration scopeIdleTimeout = DEFAULT_SCOPE_IDLE_TIMEOUT;
    private long maximumScopes = 100;

    private Builder() {}

    @Override
    public Builder engine(Consumer<? super EngineSettings.Builder> change) {
      change.accept(engine);
      return this;
    }

    /**
     * Where unset settings come from ({@value AzureWorkloadIdentity#AZURE_CLIENT_ID}, ...).
     *
     * @param environment where unset settings come from ({@value
     *     AzureWorkloadIdentity#AZURE_CLIENT_ID}, ...)
     * @return this builder
     */
    public Builder environment(Environment environment) {
      this.environment = Objects.requireNonNull(environment, "environment");
      return this;
    }

    /**
     * The application (client) id, a GUID; overrides {@value
     * AzureWorkloadIdentity#AZURE_CLIENT_ID}.
     *
     * @param clientId the application (client) id, a GUID; overrides {@value
     *     AzureWorkloadIdentity#AZURE_CLIENT_ID}
     * @return this builder
     */
    public Builder clientId(String clientId) {
      this.clientId = Objects.requireNonNull(clientId, "clientId");
      return this;
    }

    /**
     * The tenant id (a GUID or a domain); overrides {@value AzureWorkloadIdentity#AZURE_TENANT_ID}.
     *
     * @param tenantId the tenant id (a GUID or a domain); overrides {@value
     *     AzureWorkloadIdentity#AZURE_TENANT_ID}
     * @return this builder
     */
    public Builder tenantId(String tenantId) {
      this.tenantId = Objects.requireNonNull(tenantId, "tenantId");
      return this;
    }

    /**
     * The projected token file; overrides {@value
     * AzureWorkloadIdentity#AZURE_FEDERATED_TOKEN_FILE}.
     *
     * @param tokenFile the projected token file; overrides {@value
     *     AzureWorkloadIdentity#AZURE_FEDERATED_TOKEN_FILE}
     * @return this builder
     */
    public Builder tokenFile(Path tokenFile) {
      this.tokenFile = Objects.requireNonNull(tokenFile, "tokenFile");
      return this;
    }

    /**
     * The authority host, {@code https://host[:port]/}; overrides {@value
     * AzureWorkloadIdentity#AZURE_AUTHORITY_HOST}. HTTPS only, loopback included: MSAL refuses any
     * other scheme, so there is no plain-HTTP opt-in.
     *
     * @param authorityHost the authority host, {@code https://host[:port]/}; overrides {@value
     *     AzureWorkloadIdentity#AZURE_AUTHORITY_HOST}
     * @return this builder
     */
    public Builder authorityHost(String authorityHost) {
      this.authorityHost = Objects.requireNonNull(authorityHost, "authorityHost");
      return this;
    }

    /**
     * Whether MSAL may run instance discovery. By default it does only on Microsoft's own authority
     * hosts; on any other host it is off, so nothing calls a host you did not configure.
     *
     * @param enabled whether MSAL may run instance discovery
     * @return this builder
     */
    public Builder instanceDiscovery(boolean enabled) {
      this.instanceDiscovery = enabled;
      return this;
    }

    /**
     * The azure-core HTTP client for Entra (proxy, TLS, timeouts are its own); default a JDK {@code
     * HttpClient} with {@link #connectTimeout(Duration)} and {@link #readTimeout(Duration)}.
     * Whatever the client, Ephemera reads at most 1 MiB of any answer.
     *
     * @param httpClient the azure-core HTTP client for Entra (proxy, TLS, timeouts are its own);
     *     default a JDK {@code HttpClient} with {@link #connectTimeout(Duration)} and {@link
     *     #readTimeout(Duration)}
     * @return this builder
     */
    public Builder httpClient(HttpClient httpClient) {
      this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
      return this;
    }

    /**
     * Connect timeout of the default HTTP client; default 10 s; positive.
     *
     * @param timeout the timeout
     * @return this builder
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /**
     * How long the default HTTP client waits for Entra's answer to start, and then for each read of
     * it; default 10 s; positive.
     *
     * @param timeout how long the default HTTP client waits for Entra's answer to start, and then
     *     for each read of it; default 10 s; positive
     * @return this builder
     */
    public Builder readTimeout(Duration timeout) {
      this.readTimeout = positive(timeout, "readTimeout");
      return this;
    }

    /**
     * Close a scope's source after this long unused; default 3 hours, because azure-core's own
     * token cache asks for a token only about once per token lifetime. Positive.
     *
     * @param idle the idle
     * @return this builder
     */
    public Builder scopeIdleTimeout(Duration idle) {
      this.scopeIdleTimeout = positive(idle, "scopeIdleTimeout");
      return this;
    }

    /**
     * The most scopes kept at once; default 100; positive.
     *
     * @param max the most scopes kept at once; default 100; positive
     * @return this builder
     */
    public Builder maximumScopes(long max) {
      if (max < 1) {
        throw new IllegalArgumentException("maximumScopes must be positive: " + max);
      }
      this.maximumScopes = max;
      return this;
    }

    /**
     * Builds the identity. No network call happens until a scope is first used.
     *
     * @return the new {@code AzureWorkloadIdentity}
     * @throws CredentialConfigurationException naming the first setting that is missing or wrong
     */
    public AzureWorkloadIdentity build() {
      Setting client = required(clientId, "clientId", AZURE_CLIENT_ID);
      if (!GUID.matcher(client.value).matches()) {
        throw new CredentialConfigurationException(
            client.name, "must be an application (client) id, a GUID, not '" + client.value + "'");
      }
      Setting tenant = required(tenantId, "tenantId", AZURE_TENANT_ID);
      if (!TENANT.matcher(tenant.value).matches()) {
        throw new CredentialConfigurationException(
            tenant.name,
            "must be a tenant id (a GUID or a domain like contoso.onmicrosoft.com), not '"
                + tenant.value
                + "'");
      }
      Setting file =
          required(
              tokenFile == null ? null : tokenFile.toString(),
              "tokenFile",
              AZURE_FEDERATED_TOKEN_FILE);
      Path path;
      try {
        path = tokenFile != null ? tokenFile : Path.of(file.value);
      } catch (InvalidPathException e) {
        throw new CredentialConfigurationException(file.name, "is not a valid path: " + file.value);
      }
      Setting authority = optional(authorityHost, "authorityHost", AZURE_AUTHORITY_HOST);
      URI host =
          authority == null
              ? URI.create(AzureAuthorityHosts.AZURE_PUBLIC_CLOUD)
              : AuthorityHosts.check(authority.value, authority.name);
      String hostName = Objects.requireNonNull(host.getHost());
      boolean discovery =
          instanceDiscovery != null ? instanceDiscovery : AuthorityHosts.isMicrosoft(hostName);
      WorkloadIdentitySettings settings =
          new WorkloadIdentitySettings(
              client.value,
              client.name,
              tenant.value,
              tenant.name,
              path,
              file.name,
              host,
              authority == null ? AZURE_AUTHORITY_HOST : authority.name,
              discovery);
      HttpClient http =
          httpClient != null
              ? httpClient
              : new JdkHttpClientBuilder()
                  .connectionTimeout(connectTimeout)
                  .responseTimeout(readTimeout)
                  .readTimeout(readTimeout)
                  .build();
      return new AzureWorkloadIdentity(this, settings, http);
    }

    private static Duration positive(Duration d, String setting) {
      Objects.requireNonNull(d, setting);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(setting + " must be positive: " + d);
      }
      return d;
    }

    private Setting required(@Nullable String explicit, String method, String variable) {
      Setting s = optional(explicit, method, variable);
      if (s == null) {
        throw new CredentialConfigurationException(
            variable,
            environment == null
                ? "is not set: call AzureWorkloadIdentity.builder()." + method + "(...)"
                : "is not set or is blank (or call AzureWorkloadIdentity.builder()."
                    + method
                    + "(...))");
      }
      return s;
    }

    private @Nullable Setting optional(@Nullable String explicit, String method, String variable) {
      if (explicit != null) {
        if (explicit.isBlank()) {
          throw new CredentialConfigurationException(method, "must not be blank");
        }
        return new Setting(method, explicit.strip());
      }
      if (environment != null) {
        String v = environment.get(variable).orElse(null);
        if (v != null) {
          return new Setting(variable, v);
        }
      }
      return null;
    }

    private record Setting(String name, String value) {}
  }
}
