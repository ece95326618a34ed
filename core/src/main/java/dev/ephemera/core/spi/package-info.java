/**
 * What a backend implements, and the few helpers every backend needs.
 *
 * <p>A backend is a {@link dev.ephemera.core.spi.CredentialIssuer}: one round trip to its upstream
 * per call. It never schedules, caches, retries or emits audit events: the refresh engine does all
 * of that, once, for every backend. Failures are reported as {@link
 * dev.ephemera.core.CredentialUnavailableException} with a {@link
 * dev.ephemera.core.CredentialUnavailableException.Reason}, their messages passed through {@link
 * dev.ephemera.core.spi.ErrorText} first.
 */
@NullMarked
package dev.ephemera.core.spi;

import org.jspecify.annotations.NullMarked;
