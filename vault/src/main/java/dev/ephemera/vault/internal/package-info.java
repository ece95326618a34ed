/**
 * Implementation of ephemera-vault: the driver plumbing, error mapping, login flows and issuers.
 * Not API: anything here may change in any release.
 */
@NullMarked
package dev.ephemera.vault.internal;

import org.jspecify.annotations.NullMarked;
