/**
 * Ephemera's public API: what applications hold.
 *
 * <p>A {@link dev.ephemera.core.CredentialSource} hands out a {@link dev.ephemera.core.Credential}
 * that is valid now and keeps it fresh in memory; {@link dev.ephemera.core.CredentialSources}
 * builds one around any {@link dev.ephemera.core.spi.CredentialIssuer}. Secret material is wrapped
 * in {@link dev.ephemera.core.Secret}, whose {@code toString()} never shows it. Every failure is a
 * {@link dev.ephemera.core.CredentialException}, the one unchecked root.
 *
 * <p>Every type in this package is null-marked: nothing accepts or returns {@code null} unless
 * annotated {@code @Nullable}.
 */
@NullMarked
package dev.ephemera.core;

import org.jspecify.annotations.NullMarked;
