/**
 * Implementation of {@code dev.ephemera.gcp}: one issuer class per flow (metadata server access and
 * ID tokens, STS federation with optional impersonation, downscoping), the HTTP transport every
 * Google call goes through, and the error mapping. Not API: anything here may change.
 */
@NullMarked
package dev.ephemera.gcp.internal;

import org.jspecify.annotations.NullMarked;
