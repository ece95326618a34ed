/**
 * Implementation of {@code dev.ephemera.gcp}: one issuer class per flow (metadata server access and
 * ID tokens, STS federation with optional impersonation, downscoping), the HTTP transport every
 * Google call goes through ({@code GoogleHttp}: google-http-client's Apache transport over {@code
 * GuardedClient}, which routes, checks, bounds and records each request), and the error mapping.
 * Not API: anything here may change.
 */
@NullMarked
package dev.ephemera.gcp.internal;

import org.jspecify.annotations.NullMarked;
