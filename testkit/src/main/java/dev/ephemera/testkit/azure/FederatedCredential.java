package dev.ephemera.testkit.azure;

import java.util.Objects;

/**
 * A federated identity credential on an Entra application: the assertion's issuer, subject and
 * audience that Entra accepts in place of a secret. Matching is exact and case-sensitive, as in
 * Entra.
 *
 * @param issuer the assertion's {@code iss}, e.g. the cluster's OIDC issuer URL
 * @param subject the assertion's {@code sub}, e.g. {@code system:serviceaccount:ns:name}
 * @param audience an audience the assertion's {@code aud} must contain
 */
public record FederatedCredential(String issuer, String subject, String audience) {

  /** The audience Azure Workload Identity uses: {@value}. */
  public static final String TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange";

  /**
   * Validates that no part is blank.
   *
   * @param audience an audience the assertion's {@code aud} must contain
   * @param issuer the assertion's {@code iss}, e.g. the cluster's OIDC issuer URL
   * @param subject the assertion's {@code sub}, e.g. {@code system:serviceaccount:ns:name}
   */
  public FederatedCredential {
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(audience, "audience");
    if (issuer.isBlank() || subject.isBlank() || audience.isBlank()) {
      throw new IllegalArgumentException("issuer, subject and audience must not be blank");
    }
  }

  /**
   * {@return a record for {@code issuer} and {@code subject} with the {@value
   * #TOKEN_EXCHANGE_AUDIENCE}}
   *
   * @param issuer the assertion's {@code iss}, e.g. the cluster's OIDC issuer URL
   * @param subject the assertion's {@code sub}, e.g. {@code system:serviceaccount:ns:name}
   */
  public static FederatedCredential of(String issuer, String subject) {
    return new FederatedCredential(issuer, subject, TOKEN_EXCHANGE_AUDIENCE);
  }
}
