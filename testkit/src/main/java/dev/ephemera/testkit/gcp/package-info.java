/**
 * Emulators of the Google Cloud endpoints a workload uses to get credentials, on loopback, sharing
 * the testkit's fault vocabulary and journal:
 *
 * <ul>
 *   <li>{@link dev.ephemera.testkit.gcp.GkeMetadataServerEmulator}: the GKE metadata server (plain
 *       HTTP, {@code Metadata-Flavor: Google} required and returned, a cached token handed back
 *       with a shrinking {@code expires_in}, ID tokens, the service account's email);
 *   <li>{@link dev.ephemera.testkit.gcp.GoogleStsEmulator}: the Security Token Service over HTTPS
 *       (token exchange of a projected token verified against the testkit's {@link
 *       dev.ephemera.testkit.oidc.OidcIssuer}, and Credential Access Boundary downscoping);
 *   <li>{@link dev.ephemera.testkit.gcp.IamCredentialsEmulator}: IAM Credentials over HTTPS ({@code
 *       generateAccessToken} with a lifetime, {@code generateIdToken});
 *   <li>{@link dev.ephemera.testkit.gcp.CloudStorageEmulator}: a Cloud Storage JSON API endpoint
 *       that checks the bearer token and its access boundary, to prove a token is usable.
 * </ul>
 *
 * <p>They share a {@link dev.ephemera.testkit.gcp.GoogleTokenRegistry}: every token one of them
 * mints is recorded there with its principal, scopes, expiry and access boundary, so the others
 * (and tests) can check a token the way Google would. {@link
 * dev.ephemera.testkit.gcp.GoogleCloudEmulators} starts all of them with one registry.
 */
@NullMarked
package dev.ephemera.testkit.gcp;

import org.jspecify.annotations.NullMarked;
