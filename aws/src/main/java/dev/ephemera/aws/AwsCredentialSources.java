package dev.ephemera.aws;

import dev.ephemera.core.CredentialConfigurationException;
import dev.ephemera.core.CredentialSource;
import dev.ephemera.core.Environment;

/**
 * The entry point: AWS credentials from the pod's workload identity, kept fresh in memory.
 *
 * <pre>{@code
 * CredentialSource<AwsSessionCredential> aws = AwsCredentialSources.fromEnvironment();
 * S3Client s3 = S3Client.builder()
 *     .credentialsProvider(EphemeraAwsCredentialsProvider.of(aws))
 *     .build();
 * }</pre>
 *
 * <p>{@link #fromEnvironment(Environment)} reads exactly what EKS injects. IRSA, when {@value
 * #AWS_ROLE_ARN} or {@value #AWS_WEB_IDENTITY_TOKEN_FILE} is set: both are then required, with
 * {@value #AWS_REGION} (else {@value #AWS_DEFAULT_REGION}), and optionally {@value
 * #AWS_ROLE_SESSION_NAME}, {@value #AWS_ROLE_SESSION_DURATION}, {@value
 * #AWS_STS_REGIONAL_ENDPOINTS} ({@code regional} or {@code legacy}) and {@value
 * #AWS_ENDPOINT_URL_STS}. Otherwise EKS Pod Identity, when {@value
 * #AWS_CONTAINER_CREDENTIALS_FULL_URI} or {@value #AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE} is set:
 * both are then required. IRSA wins when both are configured, as in the SDK's default chain. A
 * missing, malformed or contradictory setting is a {@link CredentialConfigurationException} whose
 * {@code setting()} is the variable's name.
 */
public final class AwsCredentialSources {
  /** The role to assume (IRSA). */
  public static final String AWS_ROLE_ARN = "AWS_ROLE_ARN";

  /** The projected token file (IRSA). */
  public static final String AWS_WEB_IDENTITY_TOKEN_FILE = "AWS_WEB_IDENTITY_TOKEN_FILE";

  /** The role session name (IRSA, optional). */
  public static final String AWS_ROLE_SESSION_NAME = "AWS_ROLE_SESSION_NAME";

  /**
   * The session length in whole seconds, {@code DurationSeconds} (IRSA, optional; default 3600):
   * longer than the presigned URLs {@link EphemeraAwsCredentialsProvider#lasting} signs, within the
   * role's {@code MaxSessionDuration}.
   */
  public static final String AWS_ROLE_SESSION_DURATION = "AWS_ROLE_SESSION_DURATION";

  /** The region (IRSA). */
  public static final String AWS_REGION = "AWS_REGION";

  /** The region when {@value #AWS_REGION} is unset (IRSA). */
  public static final String AWS_DEFAULT_REGION = "AWS_DEFAULT_REGION";

  /** {@code regional} (default) or {@code legacy} (IRSA, optional). */
  public static final String AWS_STS_REGIONAL_ENDPOINTS = "AWS_STS_REGIONAL_ENDPOINTS";

  /** An explicit STS endpoint (IRSA, optional). */
  public static final String AWS_ENDPOINT_URL_STS = "AWS_ENDPOINT_URL_STS";

  /** The Pod Identity agent's URL. */
  public static final String AWS_CONTAINER_CREDENTIALS_FULL_URI =
      "AWS_CONTAINER_CREDENTIALS_FULL_URI";

  /** The Pod Identity authorization token file. */
  public static final String AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE =
      "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE";

  private AwsCredentialSources() {}

  /**
   * {@return a source configured from the process environment, already fetching its first
   * credential}
   *
   * @throws CredentialConfigurationException naming the variable that is missing or wrong
   */
  public static CredentialSource<AwsSessionCredential> fromEnvironment() {
    return fromEnvironment(Environment.system());
  }

  /**
   * {@return a source configured from {@code env}: IRSA or EKS Pod Identity, as described above}
   *
   * @param env the environment to read the settings from
   * @throws CredentialConfigurationException naming the variable that is missing or wrong
   */
  public static CredentialSource<AwsSessionCredential> fromEnvironment(Environment env) {
    if (isIrsa(env)) {
      return irsaFromEnvironment(env).build();
    }
    if (isPodIdentity(env)) {
      return podIdentityFromEnvironment(env).build();
    }
    if (env.get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI").isPresent()) {
      throw new CredentialConfigurationException(
          "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
          "is set, but ECS task credentials are not a workload identity Ephemera supports; use"
              + " IRSA or EKS Pod Identity");
    }
    throw new CredentialConfigurationException(
        AWS_ROLE_ARN,
        "is not set, and neither is "
            + AWS_CONTAINER_CREDENTIALS_FULL_URI
            + ": found neither IRSA nor EKS Pod Identity in the environment");
  }

  /** {@return an IRSA builder with nothing set} */
  public static IrsaSourceBuilder irsa() {
    return new IrsaSourceBuilder();
  }

  /**
   * {@return an IRSA builder pre-filled from {@code env}, to add scoping, audit listeners or a
   * timebase}
   *
   * @param env the environment to read the settings from
   * @throws CredentialConfigurationException naming the variable that is missing or wrong
   */
  public static IrsaSourceBuilder irsaFromEnvironment(Environment env) {
    return IrsaSourceBuilder.fromEnvironment(env).environment(env);
  }

  /** {@return a Pod Identity builder with the default agent endpoint and no token file} */
  public static PodIdentitySourceBuilder podIdentity() {
    return new PodIdentitySourceBuilder();
  }

  /**
   * {@return a Pod Identity builder pre-filled from {@code env}}
   *
   * @param env the environment to read the settings from
   * @throws CredentialConfigurationException naming the variable that is missing or wrong
   */
  public static PodIdentitySourceBuilder podIdentityFromEnvironment(Environment env) {
    return PodIdentitySourceBuilder.fromEnvironment(env);
  }

  private static boolean isIrsa(Environment env) {
    return env.get(AWS_ROLE_ARN).isPresent() || env.get(AWS_WEB_IDENTITY_TOKEN_FILE).isPresent();
  }

  private static boolean isPodIdentity(Environment env) {
    return env.get(AWS_CONTAINER_CREDENTIALS_FULL_URI).isPresent()
        || env.get(AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE).isPresent();
  }
}
