package dev.ephemera.gcp.internal;

import dev.ephemera.core.spi.http.EndpointPolicy;
import java.io.IOException;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Which hosts are reached without a proxy: loopback and the metadata server, judged by name as
 * written (never resolved) with core's {@link EndpointPolicy}; every other host as the JVM's proxy
 * settings say.
 */
final class Proxies extends ProxySelector {
  static final Proxies INSTANCE = new Proxies();

  /** Loopback and the metadata hosts, without the user's plain-HTTP opt-in. */
  private static final EndpointPolicy DIRECT =
      EndpointPolicy.loopbackOnly()
          .withMetadataHosts(EndpointPolicy.GOOGLE_METADATA_HOSTS, GoogleHttp.METADATA_LABEL);

  private Proxies() {}

  /** Whether {@code host} is loopback or the metadata server. */
  static boolean isDirect(@Nullable String host) {
    if (host == null || host.isEmpty()) {
      return false;
    }
    try {
      return DIRECT.permits(URI.create("http://" + host + "/"));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Whether {@code host} is one of the metadata server's names or its address. */
  static boolean isMetadataHost(@Nullable String host) {
    return host != null && isDirect(host) && !EndpointPolicy.isLoopback(host);
  }

  @Override
  public List<Proxy> select(URI uri) {
    ProxySelector system = ProxySelector.getDefault();
    return isDirect(uri.getHost()) || system == null || system == this
        ? List.of(Proxy.NO_PROXY)
        : system.select(uri);
  }

  @Override
  public void connectFailed(URI uri, SocketAddress address, IOException failure) {
    ProxySelector system = ProxySelector.getDefault();
    if (system != null && system != this) {
      system.connectFailed(uri, address, failure);
    }
  }
}
