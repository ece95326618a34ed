package dev.ephemera.testkit.azure;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The tenant and its applications' federated identity credentials, which the token endpoint and
 * discovery consult (PROTOCOLS.md §3.1, §3.2). Thread-safe.
 */
final class EntraDirectory {
  private final String tenantId;
  private final Map<String, List<FederatedCredential>> applications = new ConcurrentHashMap<>();

  EntraDirectory(String tenantId) {
    this.tenantId = tenantId;
  }

  String tenantId() {
    return tenantId;
  }

  /** Whether {@code tenant} (from a request path) names this tenant; case-insensitive. */
  boolean knows(String tenant) {
    return tenant.equalsIgnoreCase(tenantId);
  }

  /** The {@code iss} of the access tokens: {@code https://sts.windows.net/{tenant}/}. */
  String stsIssuer() {
    return "https://sts.windows.net/" + tenantId + "/";
  }

  void register(String clientId, List<FederatedCredential> credentials) {
    applications.compute(
        clientId,
        (k, existing) -> {
          List<FederatedCredential> all = new ArrayList<>(existing == null ? List.of() : existing);
          all.addAll(credentials);
          return List.copyOf(all);
        });
  }

  void clearFederatedCredentials(String clientId) {
    applications.computeIfPresent(clientId, (k, v) -> List.of());
  }

  void unregister(String clientId) {
    applications.remove(clientId);
  }

  /** The application's federated credentials; null when the application does not exist. */
  @Nullable List<FederatedCredential> credentials(String clientId) {
    return applications.get(clientId);
  }
}
