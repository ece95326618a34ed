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
