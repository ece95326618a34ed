/**
 * Emulators of AWS's workload-identity upstreams, faithful to the wire: {@link
 * dev.ephemera.testkit.aws.StsEmulator} ({@code AssumeRoleWithWebIdentity} with its exact XML
 * success and error envelopes, role trust, {@code DurationSeconds} bounds, session policies) and
 * {@link dev.ephemera.testkit.aws.PodIdentityAgentEmulator} (the EKS Pod Identity agent's {@code
 * /v1/credentials}). Both verify projected tokens against a testkit {@link
 * dev.ephemera.testkit.oidc.OidcIssuer}, stamp expiries on the injected clock, accept the shared
 * {@link dev.ephemera.testkit.emulator.Fault} vocabulary, and remember what they issued so a SigV4
 * peer (S3Proxy) can check signatures made with it.
 */
@NullMarked
package dev.ephemera.testkit.aws;

import org.jspecify.annotations.NullMarked;
