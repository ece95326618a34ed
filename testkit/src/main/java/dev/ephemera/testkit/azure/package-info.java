/**
 * An emulator of the Microsoft Entra ID token endpoint for Azure Workload Identity: the
 * client-credentials grant with a federated client assertion (the projected service-account token),
 * over loopback HTTPS because MSAL refuses plain-HTTP authorities.
 *
 * <p>{@link dev.ephemera.testkit.azure.EntraEmulator} verifies each assertion against the testkit's
 * {@link dev.ephemera.testkit.oidc.OidcIssuer} and the application's {@link
 * dev.ephemera.testkit.azure.FederatedCredential} records, issues v1-shaped access tokens on the
 * injected clock, and answers errors in Entra's JSON envelope with {@code AADSTS} codes. Faults
 * come from the shared {@link dev.ephemera.testkit.emulator.Fault} vocabulary.
 */
@NullMarked
package dev.ephemera.testkit.azure;

import org.jspecify.annotations.NullMarked;
