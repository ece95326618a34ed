package dev.ephemera.gcp.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.api.client.http.GenericUrl;
import com.google.api.client.http.HttpTransport;
import dev.ephemera.core.CredentialConfigurationException;
import dev.ephemera.core.spi.http.WireRecorder;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Routing, the endpoint policy and the proxy rule of the transport. No request leaves the JVM. */
class GoogleHttpTest {
  private static GoogleHttp http(boolean allowPlainHttp) {
    return GoogleHttp.create(
        GoogleHttp.policy(allowPlainHttp), null, Duration.ofSeconds(1), Duration.ofSeconds(1));
  }

  private static void get(HttpTransport transport, String url) throws Exception {
    transport.createRequestFactory().buildGetRequest(new GenericUrl(url)).execute();
  }

  @Test
  void aPinnedRoute_sendsEveryRequestToItsOrigin_keepingPathAndQuery() {
    Routes pinned = Routes.of(Map.of("*", URI.create("http://127.0.0.1:9999")));
    assertThat(
            pinned.route(
                URI.create(
                    "http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/token?scopes=a,b")))
        .hasToString(
            "http://127.0.0.1:9999/computeMetadata/v1/instance/service-accounts/default/token?scopes=a,b");
    assertThat(pinned.route(URI.create("http://169.254.169.254")))
        .hasToString("http://127.0.0.1:9999/");
  }

  @Test
  void hostRoutes_onlyMoveTheirHost() {
    Routes routed =
        Routes.of(Map.of("IAMcredentials.googleapis.com", URI.create("https://127.0.0.1:8443")));
    assertThat(
            routed.route(
                URI.create(
                    "https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/a@b:generateIdToken")))
        .hasToString("https://127.0.0.1:8443/v1/projects/-/serviceAccounts/a@b:generateIdToken");
    assertThat(routed.route(URI.create("https://sts.googleapis.com/v1/token")))
        .hasToString("https://sts.googleapis.com/v1/token");
    assertThat(routed.originFor(URI.create("https://sts.googleapis.com/v1/token"))).isNull();
  }

  @Test
  void plainHttp_isForLoopbackAndTheMetadataServerOnly_unlessAllowed() {
    var policy = GoogleHttp.policy(false);
    assertThat(policy.permits(URI.create("http://127.0.0.1:1/x"))).isTrue();
    assertThat(policy.permits(URI.create("http://[::1]:1/x"))).isTrue();
    assertThat(policy.permits(URI.create("http://169.254.169.254/x"))).isTrue();
    assertThat(policy.permits(URI.create("http://metadata.google.internal/x"))).isTrue();
    assertThat(policy.permits(URI.create("https://sts.googleapis.com/v1/token"))).isTrue();
    assertThat(policy.permits(URI.create("http://sts.googleapis.com/"))).isFalse();
    assertThat(policy.permits(URI.create("http://10.0.0.1/"))).isFalse();
    assertThat(policy.permits(URI.create("http://169.254.1.1/"))).as("other link-local").isFalse();
    assertThatThrownBy(() -> policy.check("http://sts.example.com/", "token_url"))
        .isInstanceOfSatisfying(
            CredentialConfigurationException.class,
            e -> {
              assertThat(e.setting()).isEqualTo("token_url");
              assertThat(e.getMessage()).contains("allowPlainHttp");
            });
    assertThat(GoogleHttp.policy(true).permits(URI.create("http://sts.example.com/"))).isTrue();
    assertThat(GoogleHttp.policy(true).permits(URI.create("ftp://x/"))).isFalse();
  }

  @Test
  void aPlainHttpRequestToARemoteHost_isRefusedByTheTransport_beforeAnyConnection() {
    GoogleHttp http = http(false);
    try (WireRecorder.Exchange exchange = http.open()) {
      assertThatThrownBy(() -> get(http.create(), "http://sts.example.com/v1/token"))
          .isInstanceOf(GuardedClient.RefusedException.class)
          .hasMessageContaining("allowPlainHttp");
      assertThat(exchange.requests()).isEqualTo(1);
      assertThat(exchange.status()).isEqualTo(-1);
      assertThat(exchange.failure()).containsInstanceOf(GuardedClient.RefusedException.class);
    }
  }

  @Test
  void theMetadataServer_isNeverReachedUnlessARouteNamesIt() {
    GoogleHttp http = http(true); // not even with the opt-in
    for (String url :
        new String[] {
          "http://metadata.google.internal/computeMetadata/v1/project/project-id",
          "http://169.254.169.254/computeMetadata/v1/project/project-id",
          "http://metadata/"
        }) {
      assertThatThrownBy(() -> get(http.create(), url))
          .isInstanceOf(GuardedClient.RefusedException.class)
          .hasMessageContaining("not configured to use it");
    }
  }

  @Test
  void loopbackAndTheMetadataServer_bypassProxies_judgedByName_neverResolved() {
    assertThat(Proxies.isDirect("localhost")).isTrue();
    assertThat(Proxies.isDirect("127.0.0.1")).isTrue();
    assertThat(Proxies.isDirect("[::1]")).isTrue();
    assertThat(Proxies.isDirect("metadata.google.internal")).isTrue();
    assertThat(Proxies.isDirect("169.254.169.254")).isTrue();
    assertThat(Proxies.isDirect("example.com")).isFalse();
    assertThat(Proxies.isDirect("metadata.google.internal.example.com")).isFalse();
    assertThat(Proxies.isDirect(null)).isFalse();
    assertThat(Proxies.isMetadataHost("localhost")).isFalse();
    assertThat(Proxies.isMetadataHost("METADATA.google.internal")).isTrue();
  }
}
