package dev.ephemera.aws;

import dev.ephemera.aws.internal.PodIdentityIssuer;
import dev.ephemera.core.CredentialConfigurationException;
import dev.ephemera.core.CredentialSource;
import dev.ephemera.core.CredentialSources;
import dev.ephemera.core.Environment;
import dev.ephemera.core.refresh.EngineConfigurable;
import dev.ephemera.core.refresh.EngineSettings;
import dev.ephemera.core.spi.CredentialIssuer;
import dev.ephemera.core.spi.http.EndpointPolicy;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Builds an EKS Pod Identity source: credentials from the node's Pod Identity agent, asked with the
 * projected authorization token, refreshed by the core engine. Get one from {@link
 * AwsCredentialSources#podIdentity()} or {@link
 * AwsCredentialSources#podIdentityFromEnvironment(Environment)}.
 *
 * <p>Plain HTTP is accepted only to loopback and the agent's link-local addresses ({@code
 * 169.254.170.23}, {@code [fd00:ec2::23]}, and ECS's {@code 169.254.170.2}); anything else must be
 * https unless {@link #allowPlainHttp(boolean)} says otherwise. The engine settings (name, refresh
 * policy, timebase, audit, prefetch, random) are {@link EngineConfigurable}'s, the same in every
 * backend.
 */
public final class PodIdentitySourceBuilder
    implements EngineConfigurable<PodIdentitySourceBuilder> {
  /** Where EKS Pod Identity's agent listens (IPv4). */
  public static final URI DEFAULT_ENDPOINT = URI.create("http://169.254.170.23/v1/credentials");

  private static final EndpointPolicy AGENT =
      EndpointPolicy.loopbackOnly()
          .withMetadataHosts(
              EndpointPolicy.AWS_CONTAINER_HOSTS, "the EKS Pod Identity / ECS agent address");

  private final EngineSettings.Builder engine = EngineSettings.builder();
  private @Nullable String endpoint = DEFAULT_ENDPOINT.toString();
  private String endpointSetting = "endpoint";
  private @Nullable Path tokenFile;
  private String tokenFileSetting = "authorizationTokenFile";
  private boolean allowPlainHttp;
  private Duration connectTimeout = Duration.ofSeconds(2);
  private Duration readTimeout = Duration.ofSeconds(5);

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

  /**
   * The agent's credentials URL; default {@link #DEFAULT_ENDPOINT}.
   *
   * @param endpoint the agent's credentials URL; default {@link #DEFAULT_ENDPOINT}
   * @return this builder
   */
  public PodIdentitySourceBuilder endpoint(URI endpoint) {
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint").toString();
    this.endpointSetting = "endpoint";
    return this;
  }

  /**
   * The projected token file sent as {@code Authorization}, re-read at every issuance.
   *
   * @param file the projected token file sent as {@code Authorization}, re-read at every issuance
   * @return this builder
   */
  public PodIdentitySourceBuilder authorizationTokenFile(Path file) {
    this.tokenFile = Objects.requireNonNull(file, "authorizationTokenFile");
    this.tokenFileSetting = "authorizationTokenFile";
    return this;
  }

  /**
   * Allow plain HTTP to a host that is neither loopback nor the agent. Default false.
   *
   * @param allow {@code true} to allow it
   * @return this builder
   */
  public PodIdentitySourceBuilder allowPlainHttp(boolean allow) {
    this.allowPlainHttp = allow;
    return this;
  }

  /**
   * The most connecting to the agent may take; default 2 s.
   *
   * @param timeout the most connecting to the agent may take; default 2 s
   * @return this builder
   */
  public PodIdentitySourceBuilder connectTimeout(Duration timeout) {
    this.connectTimeout = IrsaSourceBuilder.positive(timeout, "connectTimeout");
    return this;
  }

  /**
   * The most one answer may take, from sending the request to the body's last byte (connecting
   * included); default 5 s.
   *
   * @param timeout the most one answer may take, from sending the request to the body's last byte
   *     (connecting included); default 5 s
   * @return this builder
   */
  public PodIdentitySourceBuilder readTimeout(Duration timeout) {
    this.readTimeout = IrsaSourceBuilder.positive(timeout, "readTimeout");
    return this;
  }

  @Override
  public PodIdentitySourceBuilder engine(Consumer<? super EngineSettings.Builder> change) {
    change.accept(engine);
    return this;
  }

  /**
   * Builds the source.
   *
   * @return the new {@code CredentialSource<AwsSessionCredential>}
   * @throws CredentialConfigurationException naming the first bad setting
   */
  public CredentialSource<AwsSessionCredential> build() {
    EngineSettings settings = engine.build();
    return settings
        .applyTo(CredentialSources.refreshing(buildIssuer(settings)), PodIdentityIssuer.PROVIDER)
        .build();
  }

  /** {@return the bare issuer (no refresh, no cache), for composing your own engine} */
  public CredentialIssuer<AwsSessionCredential> buildIssuer() {
    return buildIssuer(engine.build());
  }

  private PodIdentityIssuer buildIssuer(EngineSettings settings) {
    String url = endpoint;
    if (url == null) {
      throw new CredentialConfigurationException(endpointSetting, "is required");
    }
    URI checked = AGENT.withPlainHttpAllowed(allowPlainHttp).check(url, endpointSetting);
    Path file = tokenFile;
    if (file == null) {
      throw new CredentialConfigurationException(tokenFileSetting, "is required");
    }
    return new PodIdentityIssuer(
        checked, file, tokenFileSetting, connectTimeout, readTimeout, settings.timebase().clock());
  }
}
