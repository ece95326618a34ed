/**
 * Implementation of ephemera-vault: the driver plumbing, error mapping, login flows and issuers.
 * Not API: anything here may change in any release. Public only what the API package builds ({@code
 * VaultTransport}, {@code TokenIssuer}, {@code LeaseIssuer}, {@code KvReader}, {@code Tls}, {@code
 * VaultPaths}, {@code NoEnvironment}); the flows, the driver plumbing and the parsing are
 * package-private.
 */
@NullMarked
package dev.ephemera.vault.internal;

import org.jspecify.annotations.NullMarked;
