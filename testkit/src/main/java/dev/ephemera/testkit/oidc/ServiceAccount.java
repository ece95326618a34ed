package dev.ephemera.testkit.oidc;

import java.util.Objects;

/**
 * A Kubernetes service account: the workload identity a projected token asserts.
 *
 * @param namespace the namespace
 * @param name the service account's name
 */
public record ServiceAccount(String namespace, String name) {
  /**
   * Validates that both parts are non-blank.
   *
   * @param name the service account's name
   * @param namespace the namespace
   */
  public ServiceAccount {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    if (namespace.isBlank() || name.isBlank()) {
      throw new IllegalArgumentException("namespace and name must not be blank");
    }
  }

  /**
   * {@return a service account}
   *
   * @param namespace the namespace
   * @param name the service account's name
   */
  public static ServiceAccount of(String namespace, String name) {
    return new ServiceAccount(namespace, name);
  }

  /** {@return the token subject: {@code system:serviceaccount:NAMESPACE:NAME}} */
  public String subject() {
    return "system:serviceaccount:" + namespace + ":" + name;
  }
}
