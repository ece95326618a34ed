/**
 * Implementation of the AWS backend: issuers, STS and agent error mapping, the bounded transports.
 * Not API: only what the builders in {@code dev.ephemera.aws} use is public.
 */
@NullMarked
package dev.ephemera.aws.internal;

import org.jspecify.annotations.NullMarked;
