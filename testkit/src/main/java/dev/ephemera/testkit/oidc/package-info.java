/**
 * An OIDC issuer that plays the Kubernetes API server: mints projected service-account tokens,
 * serves discovery and JWKS over loopback HTTP, and writes token files like the kubelet.
 */
@NullMarked
package dev.ephemera.testkit.oidc;

import org.jspecify.annotations.NullMarked;
