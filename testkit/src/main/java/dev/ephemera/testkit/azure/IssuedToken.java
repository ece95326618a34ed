package dev.ephemera.testkit.azure;

import java.time.Instant;

/**
 * An access token the emulator issued, described without the token itself.
 *
 * @param uti the token's unique identifier claim
 * @param clientId the application that asked
 * @param subject the federated assertion's {@code sub}
 * @param scope the requested scope, e.g. {@code https://storage.azure.com/.default}
 * @param audience the token's {@code aud}: the scope's resource
 * @param issuedAt when it was issued, on the emulator's clock
 * @param expiresAt its {@code exp}
 */
public record IssuedToken(
    String uti,
    String clientId,
    String subject,
    String scope,
    String audience,
    Instant issuedAt,
    Instant expiresAt) {}
