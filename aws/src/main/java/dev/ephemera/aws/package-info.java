/**
 * AWS credentials from Kubernetes workload identity, for every AWS SDK for Java v2 client.
 *
 * <p>{@link dev.ephemera.aws.AwsCredentialSources} builds a {@link
 * dev.ephemera.core.CredentialSource} of {@link dev.ephemera.aws.AwsSessionCredential}s from IRSA
 * (STS {@code AssumeRoleWithWebIdentity} with the projected token) or EKS Pod Identity (the node
 * agent), and {@link dev.ephemera.aws.EphemeraAwsCredentialsProvider} hands it to SDK clients.
 *
 * <p>Design choices:
 *
 * <ul>
 *   <li>A backend is an issuer and an adapter. Refresh timing, retries with backoff, caching and
 *       audit belong to the core engine; the STS client is therefore built with SDK retries off, so
 *       a failure is retried once, by the engine, on its schedule.
 *   <li>STS goes through the SDK's own {@code StsClient} (its XML parsing and error model), on the
 *       JDK's {@code HttpURLConnection}: no netty, no connection-pool threads. Region and endpoint
 *       are always explicit, and no profile file is read: the SDK never looks around.
 *   <li>The projected token file is read and checked at every issuance (the kubelet rotates it): a
 *       missing, empty or garbled file fails fast with a configuration error naming the variable,
 *       instead of a useless STS round trip. Its expiry is left to STS (or the agent), which judges
 *       it on its own clock: a local clock running ahead must not refuse a token it still accepts.
 *   <li>STS and the Pod Identity agent stamp absolute expiries on their own clock: the issuers pass
 *       the response's HTTP {@code Date} to the engine as the upstream time and date the credential
 *       by it, so it is served for the lifetime the upstream granted whatever the local clock says.
 *   <li>{@code Retry-After} is read by core's one parser, {@code RetryAfter}; a hint the SDK cannot
 *       take (a negative number, which makes its retry stage throw) is dropped before it reads it.
 *   <li>STS error codes are classified as PROTOCOLS.md says: {@code InvalidIdentityToken}, {@code
 *       IDPRejectedClaim}, {@code AccessDenied}, {@code RegionDisabledException} are rejections;
 *       {@code MalformedPolicyDocument}, {@code PackedPolicyTooLarge}, {@code ValidationError} are
 *       configuration errors; {@code ExpiredTokenException} (the file is re-read next time), {@code
 *       IDPCommunicationError} and 5xx are transient; {@code Throttling} is throttling.
 *   <li>The SDK credential object is built once per credential, in {@link
 *       dev.ephemera.aws.AwsSessionCredential}'s constructor: the adapter allocates nothing per
 *       request and takes no lock.
 *   <li>Plain HTTP goes only to loopback (STS) or loopback and the link-local agent (Pod Identity),
 *       unless the builder's {@code allowPlainHttp(true)} says otherwise: core's {@code
 *       EndpointPolicy} decides, as for every backend.
 *   <li>Every upstream body is read through core's {@code BoundedBody} (1 MiB at most): the Pod
 *       Identity answer directly, the STS answer inside the SDK's HTTP client before the SDK parses
 *       it (and refused when its XML nests deeper than any STS answer, which would overflow the
 *       SDK's recursive parser). A longer body is a {@code MALFORMED_RESPONSE} failure, not memory.
 *       An STS client passed in with {@code stsClient(...)} is the user's own and is not wrapped.
 *   <li>Error statuses without a known error code are classified by core's {@code StatusReasons};
 *       only STS's error codes and the agent's {@code ExpiredTokenException} are read here.
 *   <li>Both builders take the engine settings through core's {@code EngineConfigurable}, under the
 *       names every backend uses; HTTP timeouts are {@code connectTimeout} and {@code readTimeout}.
 *   <li>Scoping is a {@link dev.ephemera.aws.SessionPolicy} (inline policy and/or managed policy
 *       ARNs); its digest is the audit scope. {@code IrsaSourceBuilder.buildScoped()} keeps one
 *       refreshed source per policy.
 * </ul>
 */
@NullMarked
package dev.ephemera.aws;

import org.jspecify.annotations.NullMarked;
