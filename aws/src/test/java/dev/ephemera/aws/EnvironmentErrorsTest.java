package dev.ephemera.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ephemera.core.CredentialConfigurationException;
import dev.ephemera.core.Environment;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every missing, malformed or contradictory variable is named in the error. */
class EnvironmentErrorsTest {
  private static final String ROLE = "arn:aws:iam::111122223333:role/app";
  private static final String FILE = "/var/run/secrets/eks.amazonaws.com/serviceaccount/token";

  private static Map<String, String> irsa(@Nullable String... overrides) {
    Map<String, String> env = new HashMap<>();
    env.put("AWS_ROLE_ARN", ROLE);
    env.put("AWS_WEB_IDENTITY_TOKEN_FILE", FILE);
    env.put("AWS_REGION", "us-west-2");
    for (int i = 0; i < overrides.length; i += 2) {
      String name = java.util.Objects.requireNonNull(overrides[i]);
      String value = overrides[i + 1];
      if (value == null) {
        env.remove(name);
      } else {
        env.put(name, value);
      }
    }
    return env;
  }

  static Stream<Arguments> badEnvironments() {
    return Stream.of(
        Arguments.of(Map.of(), "AWS_ROLE_ARN", "neither IRSA nor EKS Pod Identity"),
        Arguments.of(
            irsa("AWS_WEB_IDENTITY_TOKEN_FILE", null), "AWS_WEB_IDENTITY_TOKEN_FILE", "not set"),
        Arguments.of(irsa("AWS_ROLE_ARN", null), "AWS_ROLE_ARN", "not set"),
        Arguments.of(irsa("AWS_ROLE_ARN", "  "), "AWS_ROLE_ARN", "not set"),
        Arguments.of(irsa("AWS_ROLE_ARN", "app-role"), "AWS_ROLE_ARN", "IAM role ARN"),
        Arguments.of(irsa("AWS_REGION", null), "AWS_REGION", "AWS_DEFAULT_REGION"),
        Arguments.of(irsa("AWS_REGION", "Oregon"), "AWS_REGION", "region name"),
        Arguments.of(
            irsa("AWS_REGION", null, "AWS_DEFAULT_REGION", "moon"), "AWS_DEFAULT_REGION", "region"),
        Arguments.of(
            irsa("AWS_STS_REGIONAL_ENDPOINTS", "global"),
            "AWS_STS_REGIONAL_ENDPOINTS",
            "'regional' or 'legacy'"),
        Arguments.of(irsa("AWS_ROLE_SESSION_NAME", "has space"), "AWS_ROLE_SESSION_NAME", "2..64"),
        Arguments.of(irsa("AWS_ROLE_SESSION_NAME", "x"), "AWS_ROLE_SESSION_NAME", "2..64"),
        Arguments.of(
            irsa("AWS_ENDPOINT_URL_STS", "http://sts.internal:8080"),
            "AWS_ENDPOINT_URL_STS",
            "plain http"),
        Arguments.of(
            irsa("AWS_ENDPOINT_URL_STS", "ftp://127.0.0.1"), "AWS_ENDPOINT_URL_STS", "https"),
        Arguments.of(
            irsa("AWS_ENDPOINT_URL_STS", "not a url"), "AWS_ENDPOINT_URL_STS", "valid URL"),
        Arguments.of(
            Map.of("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.23/v1/credentials"),
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
            "not set"),
        Arguments.of(
            Map.of(
                "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
                "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token"),
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            "not set"),
        Arguments.of(
            Map.of(
                "AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://metadata.example.com/v1/credentials",
                "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "/tmp/token"),
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            "plain http"),
        Arguments.of(
            Map.of("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/abc"),
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
            "ECS"));
  }

  @ParameterizedTest
  @MethodSource("badEnvironments")
  void fromEnvironment_namesTheVariableThatIsWrong(
      Map<String, String> variables, String setting, String problem) {
    assertThatThrownBy(() -> AwsCredentialSources.fromEnvironment(Environment.of(variables)))
        .isInstanceOfSatisfying(
            CredentialConfigurationException.class,
            e -> {
              assertThat(e.setting()).isEqualTo(setting);
              assertThat(e.getMessage()).startsWith(setting).contains(problem);
            });
  }

  @ParameterizedTest
  @MethodSource("badEnvironments")
  void badEnvironments_neverReachTheNetwork_norLeakAnything(
      Map<String, String> variables, String setting, String problem) {
    // Configuration is checked before any client or file is touched: the token path above does
    // not exist, and the error is still the configuration one.
    assertThatThrownBy(() -> AwsCredentialSources.fromEnvironment(Environment.of(variables)))
        .isInstanceOf(CredentialConfigurationException.class)
        .hasNoCause();
  }
}
