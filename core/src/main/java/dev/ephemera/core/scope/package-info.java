/**
 * One credential source per scope key: an AWS session policy, a GCP access boundary, an Azure
 * scope, a Vault role. Sources are created on first use, refreshed independently, and closed (and
 * so revoked) after they go unused for a while. Built on Caffeine.
 */
@NullMarked
package dev.ephemera.core.scope;

import org.jspecify.annotations.NullMarked;
