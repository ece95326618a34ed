package dev.ephemera.aws.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ephemera.core.CredentialConfigurationException;
import dev.ephemera.core.Environment;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;

class EndpointsTest {

  @Test
  void stsEndpoints_areTheOnesTheSdkWouldPick_regionalByDefault() {
    assertThat(StsClients.endpointFor(Region.US_WEST_2, false))
        .isEqualTo(URI.create("https://sts.us-west-2.amazonaws.com"));
    assertThat(StsClients.endpointFor(Region.US_EAST_1, true))
        .isEqualTo(URI.create("https://sts.amazonaws.com"));
    assertThat(StsClients.endpointFor(Region.AF_SOUTH_1, true))
        .as("regions that never used the global endpoint stay regional")
        .isEqualTo(URI.create("https://sts.af-south-1.amazonaws.com"));
    assertThat(StsClients.endpointFor(Region.CN_NORTH_1, false))
        .isEqualTo(URI.create("https://sts.cn-north-1.amazonaws.com.cn"));
  }

  @Test
  void plainHttp_onlyToLoopback_orTheAgent_unlessOptedIn() {
    var loopback = Endpoints.PlainHttp.LOOPBACK;
    var agent = Endpoints.PlainHttp.LOOPBACK_AND_CONTAINER_AGENT;
    assertThat(Endpoints.check("http://127.0.0.1:4566", "s", loopback, false)).isNotNull();
    assertThat(Endpoints.check("http://[::1]:4566", "s", loopback, false)).isNotNull();
    assertThat(Endpoints.check("http://localhost:4566", "s", loopback, false)).isNotNull();
    assertThat(Endpoints.check("https://sts.example.com", "s", loopback, false)).isNotNull();
    assertThat(Endpoints.check("http://169.254.170.23/v1/credentials", "s", agent, false))
        .isNotNull();
    assertThat(Endpoints.check("http://[fd00:ec2::23]/v1/credentials", "s", agent, false))
        .isNotNull();
    assertThatThrownBy(() -> Endpoints.check("http://169.254.170.23/", "s", loopback, false))
        .isInstanceOf(CredentialConfigurationException.class);
    assertThatThrownBy(() -> Endpoints.check("http://169.254.169.254/", "s", agent, false))
        .as("the EC2 metadata address is not the Pod Identity agent")
        .isInstanceOf(CredentialConfigurationException.class);
    assertThatThrownBy(() -> Endpoints.check("http://127.0.0.1.nip.io/", "s", agent, false))
        .as("names are never resolved, so a name that looks local is not loopback")
        .isInstanceOf(CredentialConfigurationException.class);
    assertThatThrownBy(() -> Endpoints.check("https://user:pw@sts.example.com", "s", agent, false))
        .hasMessageContaining("user info");
    assertThat(Endpoints.check("http://10.1.2.3:8080", "s", loopback, true)).isNotNull();
  }

  @Test
  void defaultSessionNames_comeFromThePod_andAreAlwaysValid() {
    assertThat(SessionNames.derive(Environment.of(Map.of("POD_NAME", "shop-7d9f8-xk2p1"))))
        .isEqualTo("ephemera-shop-7d9f8-xk2p1");
    assertThat(SessionNames.derive(Environment.of(Map.of("HOSTNAME", "node:a/b"))))
        .isEqualTo("ephemera-node-a-b");
    assertThat(SessionNames.derive(Environment.of(Map.of("POD_NAME", "p".repeat(100)))))
        .hasSize(64);
    assertThat(SessionNames.derive(Environment.of(Map.of()))).matches("ephemera-pid-\\d+");
    assertThatThrownBy(() -> SessionNames.check("bad name", "sessionName"))
        .isInstanceOfSatisfying(
            CredentialConfigurationException.class,
            e -> assertThat(e.setting()).isEqualTo("sessionName"));
  }

  @Test
  void owningSource_closesWhatItOwns_afterTheSource() {
    var closed = new java.util.concurrent.atomic.AtomicInteger();
    var source =
        new OwningCredentialSource<>(
            dev.ephemera.core.CredentialSources.refreshing(
                    dev.ephemera.testkit.FakeIssuer.builder(java.time.Clock.systemUTC()).build())
                .prefetch(false)
                .build(),
            closed::incrementAndGet);
    source.close();
    assertThat(closed).hasValue(1);
    assertThat(source.status().state()).isEqualTo(dev.ephemera.core.SourceState.CLOSED);
  }
}
