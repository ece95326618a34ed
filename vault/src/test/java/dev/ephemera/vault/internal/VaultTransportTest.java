package dev.ephemera.vault.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ephemera.core.spi.http.EndpointPolicy;
import java.time.Clock;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

class VaultTransportTest {
  private static VaultTransport transport(SSLContext tls, Duration connectTimeout) {
    return new VaultTransport(
        "https://127.0.0.1:8200",
        null,
        tls,
        connectTimeout,
        Duration.ofSeconds(5),
        Clock.systemUTC(),
        EndpointPolicy.loopbackOnly());
  }

  @Test
  void transportsWithTheSameTlsAndConnectTimeout_shareOneJdkClient() throws Exception {
    SSLContext tls = SSLContext.getDefault();
    VaultTransport a = transport(tls, Duration.ofSeconds(3));
    VaultTransport b = transport(tls, Duration.ofMillis(2500)); // rounds up to the same 3 s
    assertThat(b.jdkClient()).isSameAs(a.jdkClient());
  }

  @Test
  void anotherConnectTimeoutOrTlsContext_getsItsOwnClient() throws Exception {
    SSLContext tls = SSLContext.getDefault();
    VaultTransport a = transport(tls, Duration.ofSeconds(3));
    assertThat(transport(tls, Duration.ofSeconds(4)).jdkClient()).isNotSameAs(a.jdkClient());
    SSLContext other = SSLContext.getInstance("TLS");
    other.init(null, null, null);
    VaultTransport c = transport(other, Duration.ofSeconds(3));
    assertThat(c.jdkClient()).isNotSameAs(a.jdkClient());
    assertThat(c.jdkClient().sslContext()).isSameAs(other);
    assertThat(a.jdkClient().connectTimeout()).contains(Duration.ofSeconds(3));
  }
}
