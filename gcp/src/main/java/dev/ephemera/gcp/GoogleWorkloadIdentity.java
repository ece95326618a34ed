package dev.ephemera.gcp;

import com.google.api.client.json.GenericJson;
import com.google.api.client.json.gson.GsonFactory;
import dev.ephemera.core.BearerToken;
import dev.ephemera.core.CredentialConfigurationException;
import dev.ephemera.core.CredentialSource;
import dev.ephemera.core.CredentialSources;
import dev.ephemera.core.Environment;
import dev.ephemera.core.Secret;
import dev.ephemera.core.refresh.EngineConfigurable;
import dev.ephemera.core.refresh.EngineSettings;
import dev.ephemera.core.refresh.RefreshingCredentialSource;
import dev.ephemera.core.scope.ScopedCredentials;
import dev.ephemera.core.spi.CredentialIssuer;
import dev.ephemera.core.spi.IssuerInfo;
import dev.ephemera.core.spi.ProjectedToken;
import dev.ephemera.core.spi.http.EndpointPolicy;
import dev.ephemera.gcp.internal.DownscopedTokenIssuer;
import dev.ephemera.gcp.internal.FederationIssuer;
import dev.ephemera.gcp.internal.GoogleHttp;
import dev.ephemera.gcp.internal.MetadataServer;
import dev.ephemera.gcp.internal.MetadataTokenIssuer;
import dev.ephemera.gcp.internal.Sts;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * A workload's Google Cloud identity, and the entry point of this module: where its tokens come
 * from, and the sources that keep them fresh.
 *
 * <pre>{@code
 * GoogleWorkloadIdentity gcp = GoogleWorkloadIdentity.fromEnvironment();
 * CredentialSource<BearerToken> tokens = gcp.accessTokens();
 * Storage storage =
 *     StorageOptions.newBuilder()
 *         .setCredentials(EphemeraGoogleCredentials.of(tokens))
 *         .build()
 *         .getService();
 * }</pre>
 *
 * <p>{@link #fromEnvironment()} picks what the pod has, in this order:
 *
 * <ol>
 *   <li>{@code GOOGLE_APPLICATION_CREDENTIALS} naming an {@code external_account} configuration:
 *       Workload Identity Federation (EKS, AKS, on-prem): the projected token file is read at every
 *       issuance and exchanged at STS, optionally for a service account's token with the configured
 *       lifetime;
 *   <li>otherwise the GKE metadata server at {@code GCE_METADATA_HOST} (default {@code
 *       169.254.169.254}), unless {@code NO_GCE_CHECK=true} rules it out.
 * </ol>
 *
 * <p>Nothing is fetched while building: the first issuance happens when a source is created. Every
 * setting that is missing or malformed is reported as a {@link CredentialConfigurationException}
 * naming it.
 *
 * <p>Source names: access tokens are {@code gcp-access-token}, ID tokens {@code
 * gcp-id-token:AUDIENCE}, downscoped tokens {@code gcp-downscoped:DIGEST}. With {@link
 * Builder#name(String) name(N)} they are {@code N}, {@code N-id-token:AUDIENCE} and {@code
 * N-downscoped:DIGEST}: one identity builds several sources, and each keeps a name of its own.
 */
public final class GoogleWorkloadIdentity {
  /** Where tokens come from. */
  public enum Mode {
    /** The GCE/GKE metadata server. */
    METADATA_SERVER,
    /** Workload Identity Federation through STS, optionally impersonating a service account. */
    FEDERATION
  }

  /** {@value}: the scope asked for by default. */
  public static final String CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform";

  /** The metadata server's address when {@code GCE_METADATA_HOST} is not set. */
  public static final String DEFAULT_METADATA_HOST = "169.254.169.254";

  /** What source names start with when the builder sets no {@code name}. */
  private static final String DEFAULT_PREFIX = "gcp";

  private final Mode mode;
  private final List<String> scopes;
  private final @Nullable MetadataServer metadata;
  private final @Nullable ExternalAccountConfig federation;
  private final FederationIssuer.@Nullable Settings federationSettings;
  private final Sts sts;
  private final EngineSettings engine;
  private final CredentialIssuer<BearerToken> accessTokenIssuer;

  private GoogleWorkloadIdentity(
      Builder b,
      Mode mode,
      @Nullable MetadataServer metadata,
      @Nullable ExternalAccountConfig federation,
      Sts sts) {
    this.mode = mode;
    this.scopes = List.copyOf(b.scopes);
    this.metadata = metadata;
    this.federation = federation;
    this.sts = sts;
    this.engine = b.engine.build();
    if (federation != null) {
      ExternalAccountConfig f = federation;
      this.federationSettings =
          new FederationIssuer.Settings(
              () -> readSubjectToken(f),
              f.subjectTokenType(),
              f.audience(),
              scopes,
              sts,
              f.impersonationUrl().orElse(null),
              f.serviceAccount().orElse(null),
              (int) f.tokenLifetime().toSeconds());
    } else {
      this.federationSettings = null;
    }
    this.accessTokenIssuer =
        metadata != null
            ? MetadataTokenIssuer.accessTokens(metadata, scopes, clock())
            : FederationIssuer.accessTokens(settings(), clock());
  }

  /** {@return what the process environment says; see the class documentation} */
  public static GoogleWorkloadIdentity fromEnvironment() {
    return builder().build();
  }

  /**
   * {@return what {@code environment} says; see the class documentation}
   *
   * @param environment the environment to read the settings from
   */
  public static GoogleWorkloadIdentity fromEnvironment(Environment environment) {
    return builder().environment(environment).build();
  }

  /** {@return a builder; whatever it is not told is read from the environment} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return where tokens come from} */
  public Mode mode() {
    return mode;
  }

  /** {@return the scopes access tokens are asked for} */
  public List<String> scopes() {
    return scopes;
  }

  /** {@return the federation configuration, in {@link Mode#FEDERATION}} */
  public Optional<ExternalAccountConfig> externalAccount() {
    return Optional.ofNullable(federation);
  }

  /**
   * {@return the metadata server's origin ({@code http://host:port}), in {@link
   * Mode#METADATA_SERVER}}
   */
  public Optional<URI> metadataServer() {
    return metadata == null ? Optional.empty() : Optional.of(metadata.origin());
  }

  /**
   * {@return the issuer of access tokens: one upstream round trip (two when impersonating) per
   * call} The same thread-safe instance every time, so audit fields it learns (the service
   * account's email, the workload's {@code sub}) are shared by the downscoped tokens made from its
   * tokens.
   */
  public CredentialIssuer<BearerToken> accessTokenIssuer() {
    return accessTokenIssuer;
  }

  /**
   * {@return the issuer of ID tokens for {@code audience} (a Cloud Run URL, an IAP client id)}
   *
   * @param audience the audience ({@code aud}) the token must carry
   * @throws CredentialConfigurationException under federation without impersonation: STS's
   *     federated tokens cannot mint ID tokens
   */
  public CredentialIssuer<BearerToken> idTokenIssuer(String audience) {
    Objects.requireNonNull(audience, "audience");
    if (audience.isBlank()) {
      throw new CredentialConfigurationException("audience", "must not be blank");
    }
    if (metadata != null) {
      return MetadataTokenIssuer.idTokens(metadata, audience, clock());
    }
    FederationIssuer.Settings s = settings();
    if (s.serviceAccount() == null) {
      throw new CredentialConfigurationException(
          "service_account_impersonation_url",
          "is required for ID tokens: a federated token cannot mint them, a service account can");
    }
    return FederationIssuer.idTokens(s, audience, clock());
  }

  /**
   * {@return the issuer of tokens limited to {@code boundary}, exchanged from {@code source}'s
   * current token at every issuance}
   *
   * @param source the credential source it reads
   * @param boundary the boundary
   */
  public CredentialIssuer<BearerToken> downscopedIssuer(
      CredentialSource<BearerToken> source, AccessBoundary boundary) {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(boundary, "boundary");
    Supplier<IssuerInfo> info = accessTokenIssuer::describe;
    // an impersonated token is dated by IAM's clock; the others at local receipt
    boolean impersonated =
        federationSettings != null && federationSettings.serviceAccount() != null;
    return new DownscopedTokenIssuer(
        source, info, boundary.toOptionsJson(), boundary.digest(), sts, clock(), impersonated);
  }

  /**
   * {@return a source of access tokens, refreshed ahead of expiry with this identity's settings;
   * named {@code gcp-access-token}, or the builder's {@code name}}
   */
  public CredentialSource<BearerToken> accessTokens() {
    return source(accessTokenIssuer(), engine.name().orElse(DEFAULT_PREFIX + "-access-token"));
  }

  /**
   * {@return a source of ID tokens for {@code audience}, named {@code gcp-id-token:AUDIENCE} (or
   * {@code NAME-id-token:AUDIENCE}); see {@link #idTokenIssuer(String)}}
   *
   * @param audience the audience ({@code aud}) the token must carry
   */
  public CredentialSource<BearerToken> idTokens(String audience) {
    return source(idTokenIssuer(audience), prefix() + "-id-token:" + audience);
  }

  /**
   * {@return downscoped tokens per access boundary, each boundary's source created on first use,
   * refreshed on its own schedule from {@code source}'s current token, and closed after 30 minutes
   * unused} Closing the map does not close {@code source}.
   *
   * @param source the credential source it reads
   */
  public ScopedCredentials<AccessBoundary, BearerToken> downscoped(
      CredentialSource<BearerToken> source) {
    Objects.requireNonNull(source, "source");
    return ScopedCredentials.<AccessBoundary, BearerToken>builder(
            boundary ->
                source(
                    downscopedIssuer(source, boundary),
                    prefix() + "-downscoped:" + boundary.digest()))
        .timebase(engine.timebase())
        .build();
  }

  private String prefix() {
    return engine.name().orElse(DEFAULT_PREFIX);
  }

  private Clock clock() {
    return engine.timebase().clock();
  }

  /** A source named {@code name} whatever the settings say: the name is chosen above. */
  private RefreshingCredentialSource<BearerToken> source(
      CredentialIssuer<BearerToken> issuer, String name) {
    return engine.applyTo(CredentialSources.refreshing(issuer), name).name(name).build();
  }

  private FederationIssuer.Settings settings() {
    FederationIssuer.Settings s = federationSettings;
    if (s == null) {
      throw new IllegalStateException("not in federation mode");
    }
    return s;
  }

  /** The subject token: its form is checked here, its expiry is left to STS and its clock. */
  private static ProjectedToken readSubjectToken(ExternalAccountConfig f) {
    String setting = f.origin() + ": credential_source.file";
    Optional<String> field = f.subjectTokenField();
    if (field.isEmpty()) {
      return ProjectedToken.read(f.subjectTokenFile(), setting);
    }
    Secret raw = ProjectedToken.readSecret(f.subjectTokenFile(), setting);
    Object value;
    try {
      value =
          GsonFactory.getDefaultInstance()
              .createJsonParser(raw.reveal())
              .parseAndClose(GenericJson.class)
              .get(field.get());
    } catch (IOException | RuntimeException e) {
      throw new CredentialConfigurationException(
          setting, "names a file that is not JSON: " + f.subjectTokenFile());
    }
    if (!(value instanceof String s) || s.isBlank()) {
      throw new CredentialConfigurationException(
          setting, "names a JSON file without a string field " + field.get());
    }
    return ProjectedToken.parse(Secret.of(s.strip()), setting + " (" + f.subjectTokenFile() + ")");
  }

  @Override
  public String toString() {
    return "GoogleWorkloadIdentity["
        + mode
        + ", "
        + (metadata != null ? metadata.origin() : String.valueOf(federation))
        + ", scopes="
        + scopes
        + "]";
  }

  /**
   * Builds a {@link GoogleWorkloadIdentity}. Explicit settings win over the environment; with none
   * the environment decides as {@link GoogleWorkloadIdentity#fromEnvironment()} describes. The
   * engine settings ({@code name}, {@code refreshPolicy}, {@code timebase}, {@code auditListener},
   * {@code auditHost}, {@code prefetch}, {@code random}) are {@link EngineConfigurable}'s, the same
   * in every backend, and apply to every source the identity builds (see the class documentation
   * for how {@code name} names each).
   */
  public static final class Builder implements EngineConfigurable<Builder> {
    private Environment environment = Environment.system();
    private @Nullable String metadataHost;
    private @Nullable ExternalAccountConfig externalAccount;
    private @Nullable Path credentialFile;
    private List<String> scopes = List.of(CLOUD_PLATFORM);
    private @Nullable String stsTokenUrl;
    private @Nullable SSLContext sslContext;
    private boolean allowPlainHttp;
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration readTimeout = Duration.ofSeconds(15);
    private final EngineSettings.Builder engine = EngineSettings.builder();

    private Builder() {}

    @Override
    public Builder engine(Consumer<? super EngineSettings.Builder> change) {
      change.accept(engine);
      return this;
    }

    /**
     * Where unset settings are read; default the process environment.
     *
     * @param environment where unset settings are read; default the process environment
     * @return this builder
     */
    public Builder environment(Environment environment) {
      this.environment = Objects.requireNonNull(environment, "environment");
      return this;
    }

    /**
     * Use the metadata server at {@code host[:port]} (as {@code GCE_METADATA_HOST} would).
     *
     * @param hostAndPort the host and port
     * @return this builder
     */
    public Builder metadataServer(String hostAndPort) {
      this.metadataHost = Objects.requireNonNull(hostAndPort, "metadataServer");
      return this;
    }

    /**
     * Use Workload Identity Federation with this configuration.
     *
     * @param config the config
     * @return this builder
     */
    public Builder externalAccount(ExternalAccountConfig config) {
      this.externalAccount = Objects.requireNonNull(config, "externalAccount");
      return this;
    }

    /**
     * Use the {@code external_account} file at {@code file} (as {@code
     * GOOGLE_APPLICATION_CREDENTIALS} would).
     *
     * @param file the file
     * @return this builder
     */
    public Builder credentialConfigFile(Path file) {
      this.credentialFile = Objects.requireNonNull(file, "credentialConfigFile");
      return this;
    }

    /**
     * The OAuth scopes of access tokens; default {@code cloud-platform}.
     *
     * @param scopes the scopes
     * @return this builder
     */
    public Builder scopes(String... scopes) {
      return scopes(Arrays.asList(scopes));
    }

    /**
     * The OAuth scopes of access tokens; empty asks the metadata server for its defaults.
     *
     * @param scopes the OAuth scopes of access tokens; empty asks the metadata server for its
     *     defaults
     * @return this builder
     */
    public Builder scopes(List<String> scopes) {
      List<String> copy = List.copyOf(scopes);
      for (String s : copy) {
        if (s.isBlank() || s.indexOf(' ') >= 0 || s.indexOf(',') >= 0) {
          throw new CredentialConfigurationException(
              "scopes", "has a malformed scope: '" + s + "'");
        }
      }
      this.scopes = copy;
      return this;
    }

    /**
     * STS's token URL for downscoping in metadata-server mode; default {@code
     * https://sts.googleapis.com/v1/token}. Under federation the configuration's {@code token_url}
     * is used.
     *
     * @param url the URL
     * @return this builder
     */
    public Builder stsTokenUrl(String url) {
      this.stsTokenUrl = Objects.requireNonNull(url, "stsTokenUrl");
      return this;
    }

    /**
     * The TLS context for HTTPS calls (STS, IAM); default the JDK's.
     *
     * @param context the TLS context for HTTPS calls (STS, IAM); default the JDK's
     * @return this builder
     */
    public Builder sslContext(SSLContext context) {
      this.sslContext = Objects.requireNonNull(context, "sslContext");
      return this;
    }

    /**
     * Allow plain HTTP to any host; default false: plain HTTP only to loopback and the metadata
     * server ({@code 169.254.169.254}, {@code metadata.google.internal}, {@code metadata}).
     *
     * @param allow {@code true} to allow it
     * @return this builder
     */
    public Builder allowPlainHttp(boolean allow) {
      this.allowPlainHttp = allow;
      return this;
    }

    /**
     * The connect timeout of every upstream call; default 5 s.
     *
     * @param timeout the connect timeout of every upstream call; default 5 s
     * @return this builder
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /**
     * The read timeout of every upstream call; default 15 s.
     *
     * @param timeout the read timeout of every upstream call; default 15 s
     * @return this builder
     */
    public Builder readTimeout(Duration timeout) {
      this.readTimeout = positive(timeout, "readTimeout");
      return this;
    }

    /**
     * Builds the identity. Reads the configuration file if there is one; makes no network call.
     *
     * @return the new {@code GoogleWorkloadIdentity}
     * @throws CredentialConfigurationException naming a missing or malformed setting
     */
    public GoogleWorkloadIdentity build() {
      EndpointPolicy policy = GoogleHttp.policy(allowPlainHttp);
      GoogleHttp http = GoogleHttp.create(policy, sslContext, connectTimeout, readTimeout);
      ExternalAccountConfig config = externalAccount;
      if (config == null && credentialFile != null) {
        config =
            ExternalAccountConfig.read(credentialFile, "credentialConfigFile " + credentialFile);
      }
      if (config == null && metadataHost == null) {
        Optional<String> adc = environment.get("GOOGLE_APPLICATION_CREDENTIALS");
        if (adc.isPresent()) {
          config =
              ExternalAccountConfig.read(
                  Path.of(adc.get()), "GOOGLE_APPLICATION_CREDENTIALS (" + adc.get() + ")");
        }
      }
      if (config != null) {
        URI tokenUrl = policy.check(config.tokenUrl(), "token_url");
        Map<String, URI> routes = Map.of();
        Optional<URI> imp = config.impersonationUrl();
        if (imp.isPresent()) {
          URI u = policy.check(imp.get(), "service_account_impersonation_url");
          // generateIdToken is addressed by the library from the universe domain: route it to the
          // configured IAM endpoint.
          routes =
              Map.of(
                  "iamcredentials." + config.universeDomain(),
                  URI.create(u.getScheme() + "://" + u.getRawAuthority()));
        }
        return new GoogleWorkloadIdentity(
            this, Mode.FEDERATION, null, config, new Sts(tokenUrl, http.withRoutes(routes)));
      }
      String host = metadataHost;
      if (host == null) {
        host = environment.get("GCE_METADATA_HOST").orElse(null);
        if (host == null && "true".equalsIgnoreCase(environment.get("NO_GCE_CHECK").orElse(""))) {
          throw new CredentialConfigurationException(
              "GOOGLE_APPLICATION_CREDENTIALS",
              "is not set, and NO_GCE_CHECK=true rules out the metadata server;"
                  + " set GCE_METADATA_HOST or point GOOGLE_APPLICATION_CREDENTIALS at an"
                  + " external_account configuration");
        }
        if (host == null) {
          host = DEFAULT_METADATA_HOST;
        }
      }
      URI origin = metadataOrigin(host, policy);
      String sts = stsTokenUrl != null ? stsTokenUrl : "https://sts.googleapis.com/v1/token";
      return new GoogleWorkloadIdentity(
          this,
          Mode.METADATA_SERVER,
          new MetadataServer(origin, http),
          null,
          new Sts(policy.check(sts, "stsTokenUrl"), http));
    }

    private URI metadataOrigin(String hostAndPort, EndpointPolicy policy) {
      String setting = metadataHost != null ? "metadataServer" : "GCE_METADATA_HOST";
      String value = hostAndPort.strip();
      if (value.isEmpty() || value.contains("/") || value.contains("@")) {
        throw new CredentialConfigurationException(
            setting, "must be host[:port], not '" + value + "'");
      }
      URI origin;
      try {
        origin = new URI("http://" + value);
      } catch (URISyntaxException e) {
        throw new CredentialConfigurationException(
            setting, "must be host[:port], not '" + value + "'");
      }
      if (origin.getHost() == null) {
        throw new CredentialConfigurationException(
            setting, "must be host[:port], not '" + value + "'");
      }
      return policy.check(origin, setting);
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + d);
      }
      return d;
    }
  }
}
