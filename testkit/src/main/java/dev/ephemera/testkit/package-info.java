/**
 * Ephemera's testkit: what our tests and users' tests need to exercise credential code with no
 * cloud and no sleeping.
 *
 * <ul>
 *   <li>{@link dev.ephemera.testkit.time.VirtualTime}: one object that is the clock, the ticker and
 *       the scheduler; {@code advance(Duration)} runs whatever falls due, in order.
 *   <li>{@link dev.ephemera.testkit.oidc.OidcIssuer}: plays the Kubernetes API server's token
 *       issuer: mints projected service-account tokens, serves its JWKS, writes and rotates token
 *       files like the kubelet.
 *   <li>{@link dev.ephemera.testkit.emulator.Emulator}: WireMock-based upstream emulators with one
 *       fault vocabulary ({@link dev.ephemera.testkit.emulator.Fault}) and one request journal.
 *   <li>{@link dev.ephemera.testkit.contract.CredentialSourceContract}: the engine's promises as
 *       JUnit 5 tests every backend runs against its own emulator.
 * </ul>
 */
@NullMarked
package dev.ephemera.testkit;

import org.jspecify.annotations.NullMarked;
