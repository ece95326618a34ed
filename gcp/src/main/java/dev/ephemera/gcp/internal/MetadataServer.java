package dev.ephemera.gcp.internal;

import com.google.auth.oauth2.ComputeEngineCredentials;
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * The metadata server at one origin, reached through Google Auth Library's {@link
 * ComputeEngineCredentials} over a {@link GoogleHttp} that pins every request to that origin: the
 * library's own idea of the address (its process-wide {@code GCE_METADATA_HOST} or {@code
 * metadata.google.internal}) is never used, nor resolved.
 */
public final class MetadataServer {
  private final URI origin;
  private final GoogleHttp http;

  /** The server at {@code origin} ({@code http://host:port}), reached through {@code http}. */
  public MetadataServer(URI origin, GoogleHttp http) {
    this.origin = origin;
    this.http = http.withRoutes(Map.of("*", origin));
  }

  /** {@code http://host:port}. */
  public URI origin() {
    return origin;
  }

  GoogleHttp http() {
    return http;
  }

  /** The library's credentials for {@code scopes} (empty: the server's default scopes). */
  ComputeEngineCredentials credentials(List<String> scopes) {
    ComputeEngineCredentials.Builder b =
        ComputeEngineCredentials.newBuilder().setHttpTransportFactory(http);
    if (!scopes.isEmpty()) {
      b.setScopes(scopes);
    }
    return b.build();
  }

  @Override
  public String toString() {
    return "MetadataServer[" + origin + "]";
  }
}
