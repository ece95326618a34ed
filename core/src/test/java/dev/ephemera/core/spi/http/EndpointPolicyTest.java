package dev.ephemera.core.spi.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ephemera.core.CredentialConfigurationException;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The one plain-HTTP rule: https anywhere, http to loopback and named metadata hosts, opt-in. */
class EndpointPolicyTest {
  private static final EndpointPolicy PODS =
      EndpointPolicy.loopbackOnly()
          .withMetadataHosts(EndpointPolicy.AWS_CONTAINER_HOSTS, "the EKS Pod Identity agent");

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://sts.amazonaws.com",
        "http://127.0.0.1:8080/x",
        "http://127.9.9.9/",
        "http://localhost:1/",
        "http://LOCALHOST/",
        "http://[::1]:9/"
      })
  void loopbackOnly_acceptsHttpsAndLoopback(String url) {
    assertThat(EndpointPolicy.loopbackOnly().check(url, "endpoint")).isEqualTo(URI.create(url));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://sts.amazonaws.com/",
        "http://10.0.0.1/",
        "http://169.254.170.23/",
        "http://localhost.evil.example/",
        "http://127.0.0.1.nip.io/"
      })
  void loopbackOnly_refusesPlainHttpElsewhere_namingTheSettingAndTheOptIn(String url) {
    assertThatThrownBy(() -> EndpointPolicy.loopbackOnly().check(url, "VAULT_ADDR"))
        .isInstanceOf(CredentialConfigurationException.class)
        .hasMessageContaining("VAULT_ADDR")
        .hasMessageContaining("allowPlainHttp(true)");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://169.254.170.23/v1/credentials",
        "http://[fd00:ec2::23]/v1/credentials",
        "http://[fd00:ec2:0:0:0:0:0:23]/v1/credentials",
        "http://169.254.170.2/"
      })
  void metadataHosts_acceptPlainHttp_inAnySpellingOfTheAddress(String url) {
    assertThat(PODS.permits(URI.create(url))).isTrue();
  }

  @Test
  void metadataHosts_areExactly_theNamedOnes() {
    assertThat(PODS.permits(URI.create("http://169.254.169.254/"))).isFalse();
    EndpointPolicy google =
        EndpointPolicy.loopbackOnly()
            .withMetadataHosts(EndpointPolicy.GOOGLE_METADATA_HOSTS, "the metadata server");
    assertThat(google.permits(URI.create("http://metadata.google.internal/computeMetadata/v1/")))
        .isTrue();
    assertThat(google.permits(URI.create("http://169.254.169.254/"))).isTrue();
    assertThat(google.permits(URI.create("http://169.254.170.23/"))).isFalse();
    assertThat(google.permits(URI.create("http://metadata.google.internal.evil.example/")))
        .isFalse();
  }

  @Test
  void optIn_allowsPlainHttpAnywhere_butNeverAnotherScheme() {
    EndpointPolicy open = EndpointPolicy.loopbackOnly().withPlainHttpAllowed(true);
    assertThat(open.permits(URI.create("http://vault.internal:8200/"))).isTrue();
    assertThatThrownBy(() -> open.check("ftp://vault.internal/", "address"))
        .hasMessageContaining("must use https");
  }

  @Test
  void httpsOnly_refusesEvenLoopback_andIgnoresTheOptIn() {
    EndpointPolicy strict = EndpointPolicy.httpsOnly().withPlainHttpAllowed(true);
    assertThat(strict.permits(URI.create("https://localhost/"))).isTrue();
    assertThat(strict.permits(URI.create("http://localhost/"))).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"not a url", "/relative/path", "https://user:pw@host/", "http:///x"})
  void malformedOrAmbiguous_isAConfigurationError(String url) {
    assertThatThrownBy(() -> EndpointPolicy.loopbackOnly().check(url, "endpoint"))
        .isInstanceOf(CredentialConfigurationException.class)
        .hasMessageContaining("endpoint")
        .hasMessageNotContaining("pw");
  }

  @Test
  void isLoopback_neverResolvesNames() {
    assertThat(EndpointPolicy.isLoopback("localhost")).isTrue();
    assertThat(EndpointPolicy.isLoopback("127.0.0.2")).isTrue();
    assertThat(EndpointPolicy.isLoopback("[::1]")).isTrue();
    assertThat(EndpointPolicy.isLoopback("loopback.example")).isFalse();
    assertThat(EndpointPolicy.isLoopback("")).isFalse();
  }
}
