package dev.ephemera.testkit.oidc;

import java.time.Instant;
import java.util.List;

/**
 * The claims of a token that passed verification.
 *
 * @param subject {@code sub}
 * @param issuer {@code iss}
 * @param audiences {@code aud}
 * @param expiresAt {@code exp}
 * @param issuedAt {@code iat}
 * @param jwtId {@code jti}
 */
public record VerifiedToken(
    String subject,
    String issuer,
    List<String> audiences,
    Instant expiresAt,
    Instant issuedAt,
    String jwtId) {}
