/**
 * HashiCorp Vault for Ephemera: a workload logs in with its own identity (Kubernetes
 * service-account JWT, any JWT/OIDC token, or AppRole), and the token, its dynamic secrets and its
 * KV reads are kept fresh and audited by the core engine.
 *
 * <p>Start at {@link dev.ephemera.vault.VaultCredentials}. Design choices:
 *
 * <ul>
 *   <li><b>The engine does the timing.</b> The token and each lease are {@link
 *       dev.ephemera.core.CredentialSource}s built on the core refresh engine; this module only
 *       issues ({@code login}, secret read), renews ({@code renew-self}, {@code sys/leases/renew})
 *       and revokes ({@code revoke-self}, {@code sys/leases/revoke}). A renewal Vault capped near
 *       the max TTL is kept while the engine logs in again (its {@code minRenewalFraction}); a
 *       refused renewal (400, 403) is terminal, so the engine logs in again at once.
 *   <li><b>Ids are not secrets.</b> {@link dev.ephemera.vault.VaultToken#id()} is the token's
 *       accessor and {@link dev.ephemera.vault.VaultLease#id()} the lease id; tokens and secret
 *       values are {@link dev.ephemera.core.Secret}s, never in a message, log or audit event.
 *   <li><b>Leases follow the token.</b> Vault revokes a token's leases with the token, so a token
 *       rotation re-reads every dynamic secret at once, and the superseded token is revoked only
 *       after the lease grace plus 30 s: subscribers swap, then the old lease goes, then the old
 *       token.
 *   <li><b>The real driver, tamed.</b> Calls go through the jopenlibs Vault Java driver with its
 *       retries off (the engine alone retries), one shared HTTP client with connect and read
 *       timeouts, and strict parsing of Vault's answers; the driver never reads the environment or
 *       {@code ~/.vault-token} on its own. Vault's {@code {"errors":[...]}} are quoted, sanitized,
 *       in typed exceptions classified by core's one status table ({@code StatusReasons}) with
 *       Vault's overrides: 400 CONFIGURATION (login, read) or REJECTED (renewal), 412 (Enterprise
 *       consistency) UNAVAILABLE; Retry-After is read by core's {@code RetryAfter}.
 *   <li><b>Bounded answers.</b> The driver reads answers whole and parses them recursively, so the
 *       HTTP client it is handed (also the one in {@link
 *       dev.ephemera.vault.VaultCredentials#driverConfig()}) reads each answer first: at most 1 MiB
 *       (core's {@code BoundedBody}) and nested at most 64 deep, else MALFORMED_RESPONSE.
 *   <li><b>KV reads are audited, not engine-managed.</b> {@link dev.ephemera.vault.VaultKv}
 *       publishes a {@code SECRET_READ} event per read (path, version, principal, outcome, never
 *       the value) to the same listeners, off the caller's thread and outside any lock.
 *   <li><b>Plain HTTP only to loopback</b> unless the builder opts in with {@code
 *       allowPlainHttp(true)} (core's {@code EndpointPolicy}, checked again on every request).
 *   <li><b>One builder shape.</b> The engine setters are core's {@code EngineConfigurable}, named
 *       as in every backend; the builder adds only what is Vault's.
 * </ul>
 */
@NullMarked
package dev.ephemera.vault;

import org.jspecify.annotations.NullMarked;
