package dev.ephemera.aws;

import dev.ephemera.aws.internal.Endpoints;
import dev.ephemera.aws.internal.EngineSettings;
import dev.ephemera.aws.internal.PodIdentityIssuer;
import dev.ephemera.core.CredentialConfigurationException;
import dev.ephemera.core.CredentialSource;
import dev.ephemera.core.CredentialSources;
import dev.ephemera.core.Environment;
import dev.ephemera.core.audit.AuditHost;
import dev.ephemera.core.audit.AuditListener;
import dev.ephemera.core.refresh.RefreshPolicy;
import dev.ephemera.core.refresh.Timebase;
import dev.ephemera.core.spi.CredentialIssuer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Builds an EKS Pod Identity source: credentials from the node's Pod Identity agent, asked with the
 * projected authorization token, refreshed by the core engine. Get one from {@link
 * AwsCredentialSources#podIdentity()} or {@link
 * AwsCredentialSources#podIdentityFromEnvironment(Environment)}.
 *
 * <p>Plain HTTP is accepted only to loopback and the agent's link-local addresses ({@code
 * 169.254.170.23}, {@code [fd00:ec2::23]}, and ECS's {@code 169.254.170.2}); anything else must be
 * https unless {@link #allowInsecureHttp(boolean)} says otherwise.
 */
public final class PodIdentitySourceBuilder {
  /** Where EKS Pod Identity's agent listens (IPv4). */
  public static final URI DEFAULT_ENDPOINT = URI.create("http://169.254.170.23/v1/credentials");

  private final EngineSettings engine = new EngineSettings();
  private @Nullable String endpoint = DEFAULT_ENDPOINT.toString();
  private String endpointSetting = "endpoint";
  private @Nullable Path tokenFile;
  private String tokenFileSetting = "authorizationTokenFile";
  private boolean allowInsecureHttp;
  private Duration timeout = Duration.ofSeconds(5);

  PodIdentitySourceBuilder() {}

  /** Pre-fills from the variables EKS injects; see {@link AwsCredentialSources}. */
  static PodIdentitySourceBuilder fromEnvironment(Environment env) {
    PodIdentitySourceBuilder b = new PodIdentitySourceBuilder();
    var uri = env.get(AwsCredentialSources.AWS_CONTAINER_CREDENTIALS_FULL_URI);
    var file = env.get(AwsCredentialSources.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE);
    if (uri.isEmpty()) {
      throw new CredentialConfigurationException(
          AwsCredentialSources.AWS_CONTAINER_CREDENTIALS_FULL_URI,
          file.isPresent()
              ? "is not set, but AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE is"
              : "is not set or is blank");
    }
    if (file.isEmpty()) {
      throw new CredentialConfigurationException(
          AwsCredentialSources.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE,
          "is not set, but AWS_CONTAINER_CREDENTIALS_FULL_URI is (EKS Pod Identity injects"
              + " both; a literal AWS_CONTAINER_AUTHORIZATION_TOKEN is not supported)");
    }
    b.endpoint = uri.get();
    b.endpointSetting = AwsCredentialSources.AWS_CONTAINER_CREDENTIALS_FULL_URI;
    b.tokenFile =
        IrsaSourceBuilder.path(
            file.get(), AwsCredentialSources.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE);
    b.tokenFileSetting = AwsCredentialSources.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE;
    return b;
  }

  /** The agent's credentials URL; default {@link #DEFAULT_ENDPOINT}. */
  public PodIdentitySourceBuilder endpoint(URI endpoint) {
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint").toString();
    this.endpointSetting = "endpoint";
    return this;
  }

  /** The projected token file sent as {@code Authorization}, re-read at every issuance. */
  public PodIdentitySourceBuilder authorizationTokenFile(Path file) {
    this.tokenFile = Objects.requireNonNull(file, "authorizationTokenFile");
    this.tokenFileSetting = "authorizationTokenFile";
    return this;
  }

  /** Allow plain HTTP to a host that is neither loopback nor the agent. Default false. */
  public PodIdentitySourceBuilder allowInsecureHttp(boolean allow) {
    this.allowInsecureHttp = allow;
    return this;
  }

  /** The most one request may take, connecting included; default 5 s. */
  public PodIdentitySourceBuilder timeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new CredentialConfigurationException("timeout", "must be positive, not " + timeout);
    }
    this.timeout = timeout;
    return this;
  }

  /** The source's name in status and audit events; default {@code aws-pod-identity}. */
  public PodIdentitySourceBuilder name(String name) {
    engine.name(name);
    return this;
  }

  /** When to refresh and how to retry; default {@link RefreshPolicy#defaults()}. */
  public PodIdentitySourceBuilder refreshPolicy(RefreshPolicy policy) {
    engine.policy(policy);
    return this;
  }

  /** Clock, ticker and scheduler; default {@link Timebase#system()}. */
  public PodIdentitySourceBuilder timebase(Timebase timebase) {
    engine.timebase(timebase);
    return this;
  }

  /** Adds an audit listener. */
  public PodIdentitySourceBuilder auditListener(AuditListener listener) {
    engine.listener(listener);
    return this;
  }

  /** The host stamped on audit events; default {@link AuditHost#local()}. */
  public PodIdentitySourceBuilder auditHost(AuditHost host) {
    engine.host(host);
    return this;
  }

  /** Whether building starts the first issuance at once; default true. */
  public PodIdentitySourceBuilder prefetch(boolean prefetch) {
    engine.prefetch(prefetch);
    return this;
  }

  /**
   * Builds the source.
   *
   * @throws CredentialConfigurationException naming the first bad setting
   */
  public CredentialSource<AwsSessionCredential> build() {
    return engine
        .apply(CredentialSources.refreshing(buildIssuer()), PodIdentityIssuer.PROVIDER)
        .build();
  }

  /** The bare issuer (no refresh, no cache), for composing your own engine. */
  public CredentialIssuer<AwsSessionCredential> buildIssuer() {
    String url = endpoint;
    if (url == null) {
      throw new CredentialConfigurationException(endpointSetting, "is required");
    }
    URI checked =
        Endpoints.check(
            url,
            endpointSetting,
            Endpoints.PlainHttp.LOOPBACK_AND_CONTAINER_AGENT,
            allowInsecureHttp);
    Path file = tokenFile;
    if (file == null) {
      throw new CredentialConfigurationException(tokenFileSetting, "is required");
    }
    return new PodIdentityIssuer(
        checked, file, tokenFileSetting, timeout, engine.timebase().clock());
  }
}
