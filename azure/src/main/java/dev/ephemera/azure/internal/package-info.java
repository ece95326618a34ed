/**
 * Implementation of the Azure backend; not an API. {@link
 * dev.ephemera.azure.internal.EntraTokenIssuer} is the issuer the engine drives, {@link
 * dev.ephemera.azure.internal.EntraClient} the one round trip to Entra ID through MSAL4J, {@link
 * dev.ephemera.azure.internal.MsalHttpBridge} MSAL's HTTP over azure-core's {@code HttpClient}
 * (bounded reads, recorded on core's {@code WireRecorder}), {@link
 * dev.ephemera.azure.internal.EntraFailures} the classification of what went wrong, and {@link
 * dev.ephemera.azure.internal.AuthorityHosts} Azure's authority-host rules.
 */
@NullMarked
package dev.ephemera.azure.internal;

import org.jspecify.annotations.NullMarked;
