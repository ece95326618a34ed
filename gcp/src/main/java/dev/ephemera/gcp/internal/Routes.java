package dev.ephemera.gcp.internal;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Where requests for a host go instead: the metadata server's configured origin for every request
 * of a metadata transport ({@code *}), IAM's configured origin for the IAM host the library derives
 * from the universe domain. Path and query are kept.
 */
final class Routes {
  static final String ANY = "*";
  static final Routes NONE = new Routes(Map.of());

  private final Map<String, URI> origins;

  private Routes(Map<String, URI> origins) {
    this.origins = origins;
  }

  /**
   * Host (any case) to origin ({@code scheme://host[:port]}); the key {@value #ANY} is every host.
   */
  static Routes of(Map<String, URI> origins) {
    Map<String, URI> lower = new java.util.HashMap<>();
    origins.forEach((host, origin) -> lower.put(host.toLowerCase(Locale.ROOT), origin));
    return new Routes(Map.copyOf(lower));
  }

  /** The origin for {@code uri}'s host, or null when it is not routed. */
  @Nullable URI originFor(URI uri) {
    String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
    URI origin = origins.get(host);
    return origin != null ? origin : origins.get(ANY);
  }

  /** {@code uri} sent to its route's origin, or {@code uri} itself when it is not routed. */
  URI route(URI uri) {
    URI origin = originFor(uri);
    if (origin == null) {
      return uri;
    }
    String rest = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    if (uri.getRawQuery() != null) {
      rest += "?" + uri.getRawQuery();
    }
    return URI.create(origin.getScheme() + "://" + origin.getRawAuthority() + rest);
  }

  @Override
  public String toString() {
    return origins.toString();
  }
}
