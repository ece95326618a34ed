package dev.ephemera.aws;

import dev.ephemera.aws.internal.OwningCredentialSource;
import dev.ephemera.aws.internal.SessionLimit;
import dev.ephemera.aws.internal.SessionNames;
import dev.ephemera.aws.internal.StsClients;
import dev.ephemera.aws.internal.StsWebIdentityIssuer;
import dev.ephemera.core.CredentialConfigurationException;
import dev.ephemera.core.CredentialSource;
import dev.ephemera.core.CredentialSources;
import dev.ephemera.core.Environment;
import dev.ephemera.core.refresh.EngineConfigurable;
import dev.ephemera.core.refresh.EngineSettings;
import dev.ephemera.core.scope.ScopedCredentials;
import dev.ephemera.core.spi.CredentialIssuer;
import dev.ephemera.core.spi.http.EndpointPolicy;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * Builds an IRSA source: {@code AssumeRoleWithWebIdentity} with the projected service-account
 * token, refreshed by the core engine. Get one from {@link AwsCredentialSources#irsa()} (all
 * explicit) or {@link AwsCredentialSources#irsaFromEnvironment(Environment)} (pre-filled from what
 * EKS injects, then adjustable).
 *
 * <p>Validation happens in {@code build*()}: each problem is a {@link
 * CredentialConfigurationException} naming the builder method, or the environment variable the
 * value came from. The engine settings (name, refresh policy, timebase, audit, prefetch, random)
 * are {@link EngineConfigurable}'s, the same in every backend.
 */
public final class IrsaSourceBuilder implements EngineConfigurable<IrsaSourceBuilder> {
  /** The shortest session STS grants. */
  public static final Duration MIN_SESSION = Duration.ofSeconds(900);

  /** The longest session STS grants (the role's own maximum may be lower). */
  public static final Duration MAX_SESSION = Duration.ofSeconds(43_200);

  private static final Pattern ROLE_ARN =
      Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]+");
  private static final Pattern REGION = Pattern.compile("[a-z]{2,}(-[a-z0-9]+)*-\\d+|aws-global");

  /** Plain HTTP to STS only to loopback (an emulator, a local proxy), unless opted in. */
  private static final EndpointPolicy STS = EndpointPolicy.loopbackOnly();

  private final EngineSettings.Builder engine = EngineSettings.builder();
  private @Nullable String roleArn;
  private String roleArnSetting = "roleArn";
  private @Nullable Path tokenFile;
  private String tokenFileSetting = "webIdentityTokenFile";
  private @Nullable String sessionName;
  private String sessionNameSetting = "sessionName";
  private Duration sessionDuration = Duration.ofHours(1);
  private String sessionDurationSetting = "sessionDuration";
  private @Nullable String region;
  private String regionSetting = "region";
  private boolean legacyGlobalEndpoint;
  private @Nullable String stsEndpoint;
  private String stsEndpointSetting = "stsEndpoint";
  private @Nullable StsClient stsClient;
  private boolean allowPlainHttp;
  private Duration connectTimeout = Duration.ofSeconds(3);
  private Duration readTimeout = Duration.ofSeconds(10);
  private @Nullable SessionPolicy sessionPolicy;
  private Environment environment = Environment.system();

  IrsaSourceBuilder() {}

  /** Pre-fills from the variables EKS injects; see {@link AwsCredentialSources}. */
  static IrsaSourceBuilder fromEnvironment(Environment env) {
    IrsaSourceBuilder b = new IrsaSourceBuilder();
    b.environment = env;
    b.sessionDurationSetting = AwsCredentialSources.AWS_ROLE_SESSION_DURATION;
    b.roleArn = env.require(AwsCredentialSources.AWS_ROLE_ARN);
    b.roleArnSetting = AwsCredentialSources.AWS_ROLE_ARN;
    String file = env.require(AwsCredentialSources.AWS_WEB_IDENTITY_TOKEN_FILE);
    b.tokenFile = path(file, AwsCredentialSources.AWS_WEB_IDENTITY_TOKEN_FILE);
    b.tokenFileSetting = AwsCredentialSources.AWS_WEB_IDENTITY_TOKEN_FILE;
    env.get(AwsCredentialSources.AWS_ROLE_SESSION_NAME)
        .ifPresent(
            n -> {
              b.sessionName = n;
              b.sessionNameSetting = AwsCredentialSources.AWS_ROLE_SESSION_NAME;
            });
    env.get(AwsCredentialSources.AWS_ROLE_SESSION_DURATION)
        .ifPresent(
            d -> b.sessionDuration = seconds(d, AwsCredentialSources.AWS_ROLE_SESSION_DURATION));
    var region = env.get(AwsCredentialSources.AWS_REGION);
    if (region.isPresent()) {
      b.region = region.get();
      b.regionSetting = AwsCredentialSources.AWS_REGION;
    } else {
      env.get(AwsCredentialSources.AWS_DEFAULT_REGION)
          .ifPresent(
              r -> {
                b.region = r;
                b.regionSetting = AwsCredentialSources.AWS_DEFAULT_REGION;
              });
    }
    if (b.region == null) {
      throw new CredentialConfigurationException(
          AwsCredentialSources.AWS_REGION,
          "is not set, and neither is AWS_DEFAULT_REGION: IRSA needs a region for its STS"
              + " endpoint");
    }
    var mode = env.get(AwsCredentialSources.AWS_STS_REGIONAL_ENDPOINTS);
    if (mode.isPresent()) {
      switch (mode.get().toLowerCase(java.util.Locale.ROOT)) {
        case "regional" -> b.legacyGlobalEndpoint = false;
        case "legacy" -> b.legacyGlobalEndpoint = true;
        default ->
            throw new CredentialConfigurationException(
                AwsCredentialSources.AWS_STS_REGIONAL_ENDPOINTS,
                "must be 'regional' or 'legacy', not '" + mode.get() + "'");
      }
    }
    env.get(AwsCredentialSources.AWS_ENDPOINT_URL_STS)
        .ifPresent(
            url -> {
              b.stsEndpoint = url;
              b.stsEndpointSetting = AwsCredentialSources.AWS_ENDPOINT_URL_STS;
            });
    return b;
  }

  /**
   * The role to assume, e.g. {@code arn:aws:iam::111122223333:role/app}.
   *
   * @param roleArn the role to assume, e.g. {@code arn:aws:iam::111122223333:role/app}
   * @return this builder
   */
  public IrsaSourceBuilder roleArn(String roleArn) {
    this.roleArn = Objects.requireNonNull(roleArn, "roleArn");
    this.roleArnSetting = "roleArn";
    return this;
  }

  /**
   * The projected token file, re-read at every issuance.
   *
   * @param file the projected token file, re-read at every issuance
   * @return this builder
   */
  public IrsaSourceBuilder webIdentityTokenFile(Path file) {
    this.tokenFile = Objects.requireNonNull(file, "webIdentityTokenFile");
    this.tokenFileSetting = "webIdentityTokenFile";
    return this;
  }

  /**
   * The role session name (2..64 of letters, digits, {@code _+=,.@-}); default {@code ephemera-}
   * and the pod name, so CloudTrail shows which pod acted.
   *
   * @param sessionName the role session name (2..64 of letters, digits, {@code _+=,.@-}); default
   *     {@code ephemera-} and the pod name, so CloudTrail shows which pod acted
   * @return this builder
   */
  public IrsaSourceBuilder sessionName(String sessionName) {
    this.sessionName = Objects.requireNonNull(sessionName, "sessionName");
    this.sessionNameSetting = "sessionName";
    return this;
  }

  /**
   * {@code DurationSeconds}: whole seconds in 900..43200, at most the role's {@code
   * MaxSessionDuration}; default one hour ({@value AwsCredentialSources#AWS_ROLE_SESSION_DURATION}
   * from the environment). A credential is served for this less the expiry margin, so {@link
   * EphemeraAwsCredentialsProvider#lasting(Duration)} needs a longer session than the URLs it signs
   * live.
   *
   * @param duration {@code DurationSeconds}: whole seconds in 900..43200
   * @return this builder
   */
  public IrsaSourceBuilder sessionDuration(Duration duration) {
    this.sessionDuration = Objects.requireNonNull(duration, "sessionDuration");
    this.sessionDurationSetting = "sessionDuration";
    return this;
  }

  /**
   * The region whose STS endpoint is used, e.g. {@code us-west-2}.
   *
   * @param region the region whose STS endpoint is used, e.g. {@code us-west-2}
   * @return this builder
   */
  public IrsaSourceBuilder region(String region) {
    this.region = Objects.requireNonNull(region, "region");
    this.regionSetting = "region";
    return this;
  }

  /**
   * {@link #region(String)} from the SDK's type.
   *
   * @param region the region
   * @return this builder
   */
  public IrsaSourceBuilder region(Region region) {
    return region(Objects.requireNonNull(region, "region").id());
  }

  /**
   * Use the global {@code sts.amazonaws.com} for the regions that used it before regional endpoints
   * ({@code AWS_STS_REGIONAL_ENDPOINTS=legacy}); default false (regional).
   *
   * @param legacy the legacy
   * @return this builder
   */
  public IrsaSourceBuilder legacyGlobalEndpoint(boolean legacy) {
    this.legacyGlobalEndpoint = legacy;
    return this;
  }

  /**
   * An explicit STS endpoint (a VPC endpoint, a FIPS endpoint, a test emulator).
   *
   * @param endpoint an explicit STS endpoint (a VPC endpoint, a FIPS endpoint, a test emulator)
   * @return this builder
   */
  public IrsaSourceBuilder stsEndpoint(URI endpoint) {
    this.stsEndpoint = Objects.requireNonNull(endpoint, "stsEndpoint").toString();
    this.stsEndpointSetting = "stsEndpoint";
    return this;
  }

  /**
   * An STS client of your own (custom TLS, proxy, metrics). You keep owning it: closing the source
   * does not close it, and region, endpoint and timeouts set here are not applied to it.
   *
   * @param client an STS client of your own (custom TLS, proxy, metrics)
   * @return this builder
   */
  public IrsaSourceBuilder stsClient(StsClient client) {
    this.stsClient = Objects.requireNonNull(client, "stsClient");
    return this;
  }

  /**
   * Allow a plain-HTTP STS endpoint that is not loopback. Default false: don't.
   *
   * @param allow {@code true} to allow it
   * @return this builder
   */
  public IrsaSourceBuilder allowPlainHttp(boolean allow) {
    this.allowPlainHttp = allow;
    return this;
  }

  /**
   * The connect timeout of the STS client built here; default 3 s.
   *
   * @param timeout the connect timeout of the STS client built here; default 3 s
   * @return this builder
   */
  public IrsaSourceBuilder connectTimeout(Duration timeout) {
    this.connectTimeout = positive(timeout, "connectTimeout");
    return this;
  }

  /**
   * The read (socket) timeout of the STS client built here; default 10 s.
   *
   * @param timeout the read (socket) timeout of the STS client built here; default 10 s
   * @return this builder
   */
  public IrsaSourceBuilder readTimeout(Duration timeout) {
    this.readTimeout = positive(timeout, "readTimeout");
    return this;
  }

  /**
   * Narrow every credential of this source to {@code policy}.
   *
   * @param policy the policy
   * @return this builder
   */
  public IrsaSourceBuilder sessionPolicy(SessionPolicy policy) {
    this.sessionPolicy = Objects.requireNonNull(policy, "sessionPolicy");
    return this;
  }

  /**
   * Where the default session name is derived from; default the process environment.
   *
   * @param environment where the default session name is derived from; default the process
   *     environment
   * @return this builder
   */
  public IrsaSourceBuilder environment(Environment environment) {
    this.environment = Objects.requireNonNull(environment, "environment");
    return this;
  }

  @Override
  public IrsaSourceBuilder engine(Consumer<? super EngineSettings.Builder> change) {
    change.accept(engine);
    return this;
  }

  /**
   * Builds the source, which owns the STS client it built (closing the source closes it).
   *
   * @return the new {@code CredentialSource<AwsSessionCredential>}
   * @throws CredentialConfigurationException naming the first bad setting
   */
  public CredentialSource<AwsSessionCredential> build() {
    return buildFor(sessionPolicy);
  }

  /**
   * {@return a source narrowed to {@code scope} (null: the role's full permissions), otherwise like
   * {@link #build()}} Use it as the factory of your own {@link ScopedCredentials}.
   *
   * @param scope the scope
   */
  public CredentialSource<AwsSessionCredential> buildFor(@Nullable SessionPolicy scope) {
    Checked c = check();
    EngineSettings settings = engine.build();
    String name = "aws-irsa" + (scope == null ? "" : "[" + scope.digest() + "]");
    SessionLimit limit =
        new SessionLimit(
            sessionDuration,
            settings.refreshPolicy().servedFor(sessionDuration),
            sessionDurationSetting);
    StsClient own = stsClient;
    if (own != null) {
      return new OwningCredentialSource<>(
          settings
              .applyTo(CredentialSources.refreshing(c.issuer(own, scope, settings)), name)
              .build(),
          () -> {}, // the caller's client: theirs to close
          limit);
    }
    StsClients.Owned owned = StsClients.build(c.region, c.endpoint, connectTimeout, readTimeout);
    try {
      return new OwningCredentialSource<>(
          settings
              .applyTo(CredentialSources.refreshing(c.issuer(owned.sts(), scope, settings)), name)
              .build(),
          owned,
          limit);
    } catch (RuntimeException e) {
      owned.close();
      throw e;
    }
  }

  /**
   * {@return one refreshed source per session policy, created on first use and closed after 30
   * minutes unused: {@code scoped.get(SessionPolicy.s3ReadOnly("reports", ""))}}
   */
  public ScopedCredentials<SessionPolicy, AwsSessionCredential> buildScoped() {
    check(); // fail now, not on first use
    return ScopedCredentials.<SessionPolicy, AwsSessionCredential>builder(this::buildFor)
        .timebase(engine.timebase())
        .build();
  }

  /**
   * {@return the bare issuer (no refresh, no cache) with an STS client of its own, for composing
   * your own engine} Closing that client is up to you: pass your own with {@link
   * #stsClient(StsClient)}.
   */
  public CredentialIssuer<AwsSessionCredential> buildIssuer() {
    Checked c = check();
    StsClient client =
        stsClient != null
            ? stsClient
            : StsClients.build(c.region, c.endpoint, connectTimeout, readTimeout).sts();
    return c.issuer(client, sessionPolicy, engine.build());
  }

  private final class Checked {
    final Region region;
    final URI endpoint;
    final String roleArn;
    final Path tokenFile;
    final String sessionName;
    final int durationSeconds;

    Checked(
        Region region,
        URI endpoint,
        String roleArn,
        Path tokenFile,
        String sessionName,
        int durationSeconds) {
      this.region = region;
      this.endpoint = endpoint;
      this.roleArn = roleArn;
      this.tokenFile = tokenFile;
      this.sessionName = sessionName;
      this.durationSeconds = durationSeconds;
    }

    StsWebIdentityIssuer issuer(
        StsClient client, @Nullable SessionPolicy scope, EngineSettings settings) {
      return new StsWebIdentityIssuer(
          client,
          roleArn,
          tokenFile,
          tokenFileSetting,
          sessionName,
          durationSeconds,
          scope,
          settings.timebase().clock());
    }
  }

  private Checked check() {
    String arn = roleArn;
    if (arn == null) {
      throw new CredentialConfigurationException(roleArnSetting, "is required");
    }
    if (arn.length() < 20 || arn.length() > 2048 || !ROLE_ARN.matcher(arn).matches()) {
      throw new CredentialConfigurationException(
          roleArnSetting,
          "must be an IAM role ARN like arn:aws:iam::111122223333:role/name, not '" + arn + "'");
    }
    Path file = tokenFile;
    if (file == null) {
      throw new CredentialConfigurationException(tokenFileSetting, "is required");
    }
    String session =
        sessionName == null
            ? SessionNames.derive(environment)
            : SessionNames.check(sessionName, sessionNameSetting);
    if (sessionDuration.getNano() != 0
        || sessionDuration.compareTo(MIN_SESSION) < 0
        || sessionDuration.compareTo(MAX_SESSION) > 0) {
      throw new CredentialConfigurationException(
          sessionDurationSetting,
          "must be whole seconds from 900 (15 min) to 43200 (12 h), not " + sessionDuration);
    }
    Region r = Region.US_EAST_1;
    URI endpoint = URI.create("https://sts.amazonaws.com");
    if (stsClient == null) {
      String reg = region;
      if (reg == null) {
        throw new CredentialConfigurationException(regionSetting, "is required");
      }
      if (!REGION.matcher(reg).matches()) {
        throw new CredentialConfigurationException(
            regionSetting, "is not an AWS region name like us-west-2: '" + reg + "'");
      }
      r = Region.of(reg);
      endpoint =
          stsEndpoint != null
              ? STS.withPlainHttpAllowed(allowPlainHttp).check(stsEndpoint, stsEndpointSetting)
              : StsClients.endpointFor(r, legacyGlobalEndpoint);
    }
    return new Checked(r, endpoint, arn, file, session, (int) sessionDuration.getSeconds());
  }

  static Duration positive(Duration d, String setting) {
    Objects.requireNonNull(d, setting);
    if (d.isNegative() || d.isZero()) {
      throw new CredentialConfigurationException(setting, "must be positive, not " + d);
    }
    return d;
  }

  private static Duration seconds(String value, String setting) {
    try {
      return Duration.ofSeconds(Long.parseLong(value.trim()));
    } catch (NumberFormatException e) {
      throw new CredentialConfigurationException(
          setting, "must be whole seconds from 900 to 43200 (e.g. 7200), not '" + value + "'");
    }
  }

  static Path path(String value, String setting) {
    try {
      return Path.of(value);
    } catch (java.nio.file.InvalidPathException e) {
      throw new CredentialConfigurationException(setting, "is not a valid path: " + value);
    }
  }
}
