/**
 * Azure Workload Identity for Ephemera: the projected service-account token exchanged at Microsoft
 * Entra ID for access tokens, per scope, kept fresh by the core engine, and handed to any Azure SDK
 * client through azure-core's {@code TokenCredential}.
 *
 * <p>Start at {@link dev.ephemera.azure.AzureWorkloadIdentity}: {@code fromEnvironment()} reads
 * {@code AZURE_CLIENT_ID}, {@code AZURE_TENANT_ID}, {@code AZURE_FEDERATED_TOKEN_FILE} and {@code
 * AZURE_AUTHORITY_HOST}; {@code tokenCredential()} is the adapter ({@link
 * dev.ephemera.azure.EphemeraTokenCredential}).
 *
 * <p>Design choices:
 *
 * <ul>
 *   <li><b>MSAL4J underneath, its cache bypassed.</b> Every issuance builds a fresh MSAL {@code
 *       ConfidentialClientApplication} around the token file just read and asks with {@code
 *       skipCache(true)}. MSAL (and azure-identity's credentials, which offer no way around it)
 *       otherwise answer from the application's token cache until the token nears expiry, so a
 *       proactive refresh would get the old token back. Nothing of the token or the assertion stays
 *       in MSAL after the call.
 *   <li><b>The token file is re-read at every issuance</b> and checked before any network call: a
 *       missing, empty or non-JWT file is a {@code CONFIGURATION} failure. Its expiry is Entra's to
 *       judge, on Entra's clock ({@code AADSTS700024}, a rejection); either failure is audited with
 *       the file's subject as the principal.
 *   <li><b>MSAL's HTTP goes through azure-core's {@code HttpClient}</b> (a JDK client by default,
 *       with {@code connectTimeout} and {@code readTimeout}, or the one given to the builder),
 *       pinned to the authority host: instance discovery runs only on Microsoft's own hosts, and a
 *       request to any other host is refused before it is sent. MSAL's own retries are off and it
 *       runs on the caller's thread: the engine schedules, retries and audits. Every answer is read
 *       through core's {@code BoundedBody} (1 MiB; a larger {@code Content-Length} is refused
 *       unread), so a huge or endless answer is a {@code MALFORMED_RESPONSE}, and what each request
 *       did on the wire is recorded on core's {@code WireRecorder} for classification.
 *   <li><b>HTTPS only.</b> MSAL accepts only https authorities, loopback included (core's {@code
 *       EndpointPolicy.httpsOnly()}), so this backend has no {@code allowPlainHttp} opt-in; the
 *       authority host must be a bare {@code https://host[:port]/}.
 *   <li><b>Lifetimes are read from the wire</b> ({@code expires_in}) and anchored on the injected
 *       clock at receipt, because MSAL only reports system-clock instants. A duration is
 *       skew-proof: a local clock that jumps changes neither the lifetime nor the schedule. Entra's
 *       {@code refresh_in} goes to the engine as the refresh hint, so the refresh comes no later
 *       than it.
 *   <li><b>Credential id</b> is {@code uti:} plus the token's {@code uti} claim (unique per token),
 *       else the SHA-256 fingerprint; the service principal's {@code oid}, tenant, client id and
 *       Entra's {@code refresh_in} hint are audit attributes. The audit principal is the projected
 *       token's {@code sub}; the target is {@code {tenant}/{clientId}}; the scope is the scope.
 *   <li><b>Errors</b> are classified from Entra's {@code error} and {@code AADSTS} codes, the
 *       status falling back to core's one {@code StatusReasons} table: 429 {@code THROTTLED} (with
 *       Retry-After, read by core's {@code RetryAfter}), 5xx and {@code temporarily_unavailable}
 *       {@code UNAVAILABLE}; 700024 (assertion out of time), 70021 and its 7002xx variants (no
 *       matching federated credential) and other refusals {@code REJECTED}; 700016 (unknown
 *       application), 90002 (unknown tenant), {@code invalid_scope} and 404/405 {@code
 *       CONFIGURATION}; 408 {@code TIMEOUT}; any other 4xx {@code REJECTED}. Messages are sanitized
 *       and never carry the assertion or a token.
 * </ul>
 */
@NullMarked
package dev.ephemera.azure;

import org.jspecify.annotations.NullMarked;
