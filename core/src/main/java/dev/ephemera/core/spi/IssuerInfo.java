package dev.ephemera.core.spi;

import java.util.Objects;

/**
 * The audit fields that describe an issuer: never secret.
 *
 * @param provider the backend, e.g. {@code aws-irsa}, {@code vault-kubernetes}
 * @param principal the workload's identity, e.g. the projected token's {@code sub}
 * @param target what is assumed or logged into: a role ARN, a service account, a Vault role
 * @param scope how the credential is narrowed: a policy digest, OAuth scopes; empty when unscoped
 */
public record IssuerInfo(String provider, String principal, String target, String scope) {

  /**
   * Validates that no field is null.
   *
   * @param principal the workload's identity, e.g. the projected token's {@code sub}
   * @param provider the backend, e.g. {@code aws-irsa}, {@code vault-kubernetes}
   * @param scope how the credential is narrowed: a policy digest, OAuth scopes; empty when unscoped
   * @param target what is assumed or logged into: a role ARN, a service account, a Vault role
   */
  public IssuerInfo {
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(scope, "scope");
  }

  /**
   * {@return info with no scope}
   *
   * @param provider the backend, e.g. {@code aws-irsa}, {@code vault-kubernetes}
   * @param principal the workload's identity, e.g. the projected token's {@code sub}
   * @param target what is assumed or logged into: a role ARN, a service account, a Vault role
   */
  public static IssuerInfo of(String provider, String principal, String target) {
    return new IssuerInfo(provider, principal, target, "");
  }

  /**
   * {@return the same info with another scope}
   *
   * @param newScope the new scope
   */
  public IssuerInfo withScope(String newScope) {
    return new IssuerInfo(provider, principal, target, newScope);
  }

  /**
   * {@return the same info with another principal}
   *
   * @param newPrincipal the new principal
   */
  public IssuerInfo withPrincipal(String newPrincipal) {
    return new IssuerInfo(provider, newPrincipal, target, scope);
  }
}
