package dev.ephemera.testkit.azure;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.ephemera.testkit.emulator.EmulatedRequest;
import dev.ephemera.testkit.emulator.EmulatedResponse;
import dev.ephemera.testkit.oidc.OidcIssuer;
import dev.ephemera.testkit.oidc.TokenRejectedException;
import java.text.ParseException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Validates the federated client assertion of a token request (PROTOCOLS.md §3.2, §3.3): present
 * and of the JWT-bearer type, parseable, matching one of the application's {@link
 * FederatedCredential} records (issuer, then subject and audience), from the trusted issuer, and
 * correctly signed and in its time range. Thread-safe.
 */
final class EntraAssertions {
  static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

  /**
   * What validation concluded.
   *
   * @param subject the accepted assertion's {@code sub} (empty when refused)
   * @param refusal Entra's answer when the assertion is refused, else null
   */
  record Verdict(String subject, @Nullable EmulatedResponse refusal) {}

  private final OidcIssuer trusted;
  private final EntraReplies replies;

  EntraAssertions(OidcIssuer trusted, EntraReplies replies) {
    this.trusted = trusted;
    this.replies = replies;
  }

  /** Checks the assertion in {@code form} against the application's {@code credentials}. */
  Verdict validate(
      List<FederatedCredential> credentials, Map<String, String> form, EmulatedRequest request) {
    String assertion = form.get("client_assertion");
    if (assertion == null
        || assertion.isEmpty()
        || !JWT_BEARER.equals(form.get("client_assertion_type"))) {
      return refuse(
          replies.aadsts(
              401,
              "invalid_client",
              7000216,
              "'client_assertion', 'client_secret' or 'request' is required for the"
                  + " 'client_credentials' grant type.",
              request));
    }
    JWTClaimsSet presented;
    try {
      presented = SignedJWT.parse(assertion).getJWTClaimsSet();
    } catch (ParseException e) {
      return refuse(replies.malformedAssertion(request));
    }
    String iss = Objects.requireNonNullElse(presented.getIssuer(), "");
    String sub = Objects.requireNonNullElse(presented.getSubject(), "");
    List<String> aud = presented.getAudience() == null ? List.of() : presented.getAudience();
    List<FederatedCredential> sameIssuer =
        credentials.stream().filter(c -> c.issuer().equals(iss)).toList();
    if (sameIssuer.isEmpty()) {
      return refuse(
          replies.aadsts(
              401,
              "invalid_client",
              700211,
              "No matching federated identity record found for presented assertion issuer '"
                  + iss
                  + "'. Please check your federated identity credential Subject, Audience and"
                  + " Issuer against the presented assertion."
                  + " https://learn.microsoft.com/entra/workload-id/workload-identity-federation",
              request));
    }
    FederatedCredential match =
        sameIssuer.stream()
            .filter(c -> c.subject().equals(sub) && aud.contains(c.audience()))
            .findFirst()
            .orElse(null);
    if (match == null) {
      return refuse(
          replies.aadsts(
              401,
              "invalid_client",
              70021,
              "No matching federated identity record found for presented assertion. Assertion"
                  + " Issuer: '"
                  + iss
                  + "'. Assertion Subject: '"
                  + sub
                  + "'. Assertion Audience: '"
                  + String.join(",", aud)
                  + "'. https://learn.microsoft.com/entra/workload-id/workload-identity-federation",
              request));
    }
    if (!iss.equals(trusted.issuerUrl())) {
      return refuse(
          replies.aadsts(
              401,
              "invalid_client",
              90061,
              "Request to External OIDC endpoint failed: the emulator can only fetch the keys of"
                  + " its own OIDC issuer "
                  + trusted.issuerUrl()
                  + ".",
              request));
    }
    try {
      trusted.verify(assertion, match.audience());
    } catch (TokenRejectedException e) {
      return refuse(
          switch (e.problem()) {
            case EXPIRED, NOT_YET_VALID -> replies.assertionOutOfTime(presented, request);
            case BAD_SIGNATURE ->
                replies.aadsts(
                    401,
                    "invalid_client",
                    700027,
                    "Client assertion failed signature validation.",
                    request);
            default -> replies.malformedAssertion(request);
          });
    }
    return new Verdict(sub, null);
  }

  private static Verdict refuse(EmulatedResponse refusal) {
    return new Verdict("", refusal);
  }
}
