package dev.ephemera.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ephemera.core.CredentialConfigurationException;
import dev.ephemera.testkit.time.VirtualTime;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Plain HTTP goes to STS only on loopback, and to the Pod Identity agent only on loopback and the
 * container agent addresses, unless {@code allowPlainHttp(true)}: core's one rule, as each builder
 * configures it. Building with {@code prefetch(false)} never sends a request.
 */
class PlainHttpTest {
  private static final String ROLE = "arn:aws:iam::111122223333:role/app";
  private static final Path TOKEN = Path.of("/var/run/secrets/eks.amazonaws.com/token");

  private final VirtualTime time = VirtualTime.create();

  private IrsaSourceBuilder irsa(String endpoint) {
    return AwsCredentialSources.irsa()
        .roleArn(ROLE)
        .webIdentityTokenFile(TOKEN)
        .region("us-west-2")
        .stsEndpoint(URI.create(endpoint))
        .timebase(time)
        .prefetch(false);
  }

  @Test
  void sts_plainHttp_onlyToLoopback() {
    for (String ok :
        List.of(
            "http://127.0.0.1:4566",
            "http://[::1]:4566",
            "http://localhost:4566",
            "https://sts.example.com")) {
      assertThatCode(() -> irsa(ok).build().close()).as(ok).doesNotThrowAnyException();
    }
    for (String refused :
        List.of(
            "http://169.254.170.23/",
            "http://sts.internal:8080",
            "http://127.0.0.1.nip.io/")) { // names are never resolved
      assertThatThrownBy(() -> irsa(refused).build())
          .as(refused)
          .isInstanceOfSatisfying(
              CredentialConfigurationException.class,
              e -> assertThat(e.setting()).isEqualTo("stsEndpoint"))
          .hasMessageContaining("plain http")
          .hasMessageContaining("allowPlainHttp(true)");
    }
    assertThatThrownBy(() -> irsa("https://user:pw@sts.example.com").build())
        .hasMessageContaining("user info");
    assertThatCode(() -> irsa("http://10.1.2.3:8080").allowPlainHttp(true).build().close())
        .doesNotThrowAnyException();
  }

  @Test
  void podIdentity_theEc2MetadataAddress_isNotTheAgent() {
    assertThatThrownBy(
            () ->
                AwsCredentialSources.podIdentity()
                    .endpoint(URI.create("http://169.254.169.254/latest/meta-data"))
                    .authorizationTokenFile(TOKEN)
                    .buildIssuer())
        .isInstanceOf(CredentialConfigurationException.class)
        .hasMessageContaining("the EKS Pod Identity / ECS agent address");
    assertThatCode(
            () ->
                AwsCredentialSources.podIdentity()
                    .endpoint(URI.create("http://169.254.170.2/v2/credentials/x"))
                    .authorizationTokenFile(TOKEN)
                    .buildIssuer())
        .as("ECS's agent address")
        .doesNotThrowAnyException();
  }
}
