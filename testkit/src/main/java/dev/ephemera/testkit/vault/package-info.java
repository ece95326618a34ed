/**
 * A HashiCorp Vault emulator for tests: {@link dev.ephemera.testkit.vault.VaultEmulator}.
 *
 * <p>It speaks the HTTP API the Vault drivers use (PROTOCOLS.md §4): Kubernetes and JWT login
 * verified against the testkit's {@link dev.ephemera.testkit.oidc.OidcIssuer} and a role binding,
 * AppRole login (plain or response-wrapped secret ids), token TTL and max-TTL accounting with
 * Vault's capping warnings, renew/revoke/lookup-self, a dynamic-secret engine with leases, and KV
 * v2 reads with versions. Every timing decision reads the injected clock, so a test on virtual time
 * drives a day of Vault in milliseconds; state queries ({@link
 * dev.ephemera.testkit.vault.VaultEmulator#tokens()}, {@link
 * dev.ephemera.testkit.vault.VaultEmulator#leases()}) prove what was revoked and how.
 */
@NullMarked
package dev.ephemera.testkit.vault;

import org.jspecify.annotations.NullMarked;
