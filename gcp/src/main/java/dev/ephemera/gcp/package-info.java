/**
 * Google Cloud credentials from workload identity, on Google Auth Library for Java.
 *
 * <p>{@link dev.ephemera.gcp.GoogleWorkloadIdentity} is the entry point: {@code fromEnvironment()}
 * picks an {@code external_account} configuration named by {@code GOOGLE_APPLICATION_CREDENTIALS}
 * (Workload Identity Federation: the projected token is read again at every issuance, exchanged at
 * STS, optionally traded for a service account's token) or the GKE metadata server at {@code
 * GCE_METADATA_HOST}. It hands out access tokens, ID tokens for an audience, and tokens downscoped
 * by an {@link dev.ephemera.gcp.AccessBoundary}, each as a refreshing {@link
 * dev.ephemera.core.CredentialSource} of {@link dev.ephemera.core.BearerToken}. {@link
 * dev.ephemera.gcp.EphemeraGoogleCredentials} lets every Google Cloud client library send the
 * current token.
 *
 * <p>Design choices:
 *
 * <ul>
 *   <li><b>The library speaks the wire; Ephemera keeps the time.</b> Each issuance is one call into
 *       Google Auth Library that bypasses its caches ({@code refreshAccessToken()}, {@code
 *       StsRequestHandler}, a fresh {@code ImpersonatedCredentials} over the just-exchanged token).
 *       Expiries are re-based on the injected clock, so scheduling, retries and audit are the
 *       engine's alone.
 *   <li><b>Google's clock decides expiry.</b> A lifetime given as a duration (metadata server and
 *       STS {@code expires_in}) is dated at receipt; an absolute expiry (IAM Credentials' {@code
 *       expireTime}, an ID token's {@code exp}) is dated by the response's HTTP {@code Date},
 *       passed to the engine as the upstream time, so a local clock that is off neither stops a
 *       source nor stretches a token. The subject token's {@code exp} is left to STS to judge. A
 *       downscoped token is bounded by its source token's expiry on the clock that dated the
 *       source.
 *   <li><b>The metadata server's cached token is a renewal.</b> It is dated from the moment it is
 *       received with the {@code expires_in} actually left; the same token has the same fingerprint
 *       id, so the engine schedules from what is left and audits {@code RENEWED}, not a rotation.
 *   <li><b>One transport, under our control.</b> Every call goes through google-http-client's own
 *       Apache transport ({@code google-http-client-apache-v2}, with automatic retries off: the
 *       JDK's clients silently resend a {@code GET} after a connection reset, and retrying is the
 *       engine's decision) over a thin decorator of its Apache client that pins the metadata server
 *       to the configured host (never the library's process-wide default, never resolved, never
 *       through a proxy), refuses the metadata server where no route names it, routes IAM to the
 *       configured endpoint, applies core's {@code EndpointPolicy} (plain HTTP only to loopback and
 *       the metadata server unless {@code allowPlainHttp(true)}), applies our timeouts, and records
 *       status, headers and the error body with core's {@code WireRecorder} so failures are
 *       classified from the wire, not from message text.
 *   <li><b>Every body is bounded before the library reads it.</b> Through core's {@code
 *       BoundedBody}: 1 MiB for an answer, 16 KiB for an error, a declared length above that
 *       refused unread, a gzip body inflated under the same bound, the whole body within the read
 *       timeout; a body over its bound aborts the connection (never drained) and is a
 *       MALFORMED_RESPONSE naming the upstream.
 *   <li><b>Commons Logging is SLF4J's.</b> Apache HttpClient 4 cannot run without the Commons
 *       Logging API; this module brings {@code jcl-over-slf4j} for it (so its lines go where SLF4J
 *       goes) and excludes {@code commons-logging}, as google-http-client does.
 *   <li><b>Downscoping is an STS exchange per boundary.</b> Each boundary is a scope key of a
 *       {@link dev.ephemera.core.scope.ScopedCredentials}; its source exchanges the shared source's
 *       current token and never outlives it.
 *   <li><b>The adapter has no cache of its own.</b> {@link
 *       dev.ephemera.gcp.EphemeraGoogleCredentials} reads the source's held token and returns a
 *       header map built once per token: no lock, no clock read, no allocation per request.
 * </ul>
 *
 * <p>Errors: a missing or malformed setting is a {@link
 * dev.ephemera.core.CredentialConfigurationException} naming it; an upstream failure is a {@link
 * dev.ephemera.core.CredentialUnavailableException} classified by core's {@code StatusReasons}
 * (400/401/403 REJECTED, 404/405 CONFIGURATION, 408 TIMEOUT, 429 THROTTLED, 5xx UNAVAILABLE) with
 * Google's own rules on top: STS's OAuth {@code error} codes ({@code invalid_request}/{@code
 * invalid_target} CONFIGURATION, {@code invalid_grant}/{@code unauthorized_client} REJECTED), IAM's
 * 400 INVALID_ARGUMENT CONFIGURATION. A {@code Retry-After} on any error answer is passed on, read
 * by core's {@code RetryAfter}. Messages are scrubbed of tokens.
 */
@NullMarked
package dev.ephemera.gcp;

import org.jspecify.annotations.NullMarked;
