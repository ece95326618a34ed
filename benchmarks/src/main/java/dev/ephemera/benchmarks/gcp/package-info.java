/**
 * Google Cloud: Ephemera's {@code EphemeraGoogleCredentials} against Google Auth Library's own
 * {@code OAuth2Credentials} holding a cached token.
 */
@NullMarked
package dev.ephemera.benchmarks.gcp;

import org.jspecify.annotations.NullMarked;
