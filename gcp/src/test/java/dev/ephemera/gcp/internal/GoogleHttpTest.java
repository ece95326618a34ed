package dev.ephemera.gcp.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Routing and the endpoint policy of the transport. */
class GoogleHttpTest {
  private static GoogleHttp http(Map<String, URI> routes) {
    return new GoogleHttp(routes, null, false, Duration.ofSeconds(1), Duration.ofSeconds(1));
  }

  @Test
  void aPinnedTransport_sendsEveryRequestToItsOrigin_keepingPathAndQuery() {
    GoogleHttp pinned = http(Map.of("*", URI.create("http://127.0.0.1:9999")));
    assertThat(
            pinned.route(
                URI.create(
                    "http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/token?scopes=a,b")))
        .hasToString(
            "http://127.0.0.1:9999/computeMetadata/v1/instance/service-accounts/default/token?scopes=a,b");
    assertThat(pinned.route(URI.create("http://169.254.169.254/")))
        .hasToString("http://127.0.0.1:9999/");
  }

  @Test
  void hostRoutes_onlyMoveTheirHost() {
    GoogleHttp routed =
        http(Map.of("iamcredentials.googleapis.com", URI.create("https://127.0.0.1:8443")));
    assertThat(
            routed.route(
                URI.create(
                    "https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/a@b:generateIdToken")))
        .hasToString("https://127.0.0.1:8443/v1/projects/-/serviceAccounts/a@b:generateIdToken");
    assertThat(routed.route(URI.create("https://sts.googleapis.com/v1/token")))
        .hasToString("https://sts.googleapis.com/v1/token");
  }

  @Test
  void plainHttp_isOnlyForLoopbackAndLinkLocal() throws Exception {
    GoogleHttp.checkPolicy(URI.create("http://127.0.0.1:1/x"), false);
    GoogleHttp.checkPolicy(URI.create("http://[::1]:1/x"), false);
    GoogleHttp.checkPolicy(URI.create("http://169.254.169.254/x"), false);
    GoogleHttp.checkPolicy(URI.create("https://sts.googleapis.com/v1/token"), false);
    assertThatThrownBy(
            () -> GoogleHttp.checkPolicy(URI.create("http://sts.googleapis.com/"), false))
        .isInstanceOf(GoogleHttp.InsecureEndpointException.class)
        .hasMessageContaining("allowInsecureHttp");
    assertThatThrownBy(() -> GoogleHttp.checkPolicy(URI.create("http://10.0.0.1/"), false))
        .isInstanceOf(GoogleHttp.InsecureEndpointException.class);
    GoogleHttp.checkPolicy(URI.create("http://sts.example.com/"), true);
    assertThatThrownBy(() -> GoogleHttp.checkPolicy(URI.create("ftp://x/"), true))
        .isInstanceOf(GoogleHttp.InsecureEndpointException.class);
  }

  @Test
  void isLocal_neverResolvesNames() {
    assertThat(GoogleHttp.isLocal("localhost")).isTrue();
    assertThat(GoogleHttp.isLocal("metadata.google.internal")).isTrue();
    assertThat(GoogleHttp.isLocal("example.com")).isFalse();
    assertThat(GoogleHttp.isLocal("fe80::1")).isTrue();
    assertThat(GoogleHttp.isLocal(null)).isFalse();
  }

  @Test
  void exchange_trustsTheDateHeaderOnlyWhenItIsAnHttpDate() {
    GoogleHttp.Exchange exchange = new GoogleHttp.Exchange(null);
    exchange.begin(URI.create("https://iamcredentials.googleapis.com/"));
    assertThat(exchange.upstreamTime()).as("no response yet").isNull();

    exchange.responded(
        200, List.<String[]>of(new String[] {"date", "Thu, 01 Jan 2026 00:00:30 GMT"}), null);
    assertThat(exchange.upstreamTime()).isEqualTo(Instant.parse("2026-01-01T00:00:30Z"));

    exchange.begin(URI.create("https://iamcredentials.googleapis.com/"));
    exchange.responded(200, List.<String[]>of(new String[] {"Date", "yesterday"}), null);
    assertThat(exchange.upstreamTime()).as("a Date that does not parse").isNull();
  }
}
