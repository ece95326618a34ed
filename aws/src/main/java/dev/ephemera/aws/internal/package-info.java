/** Implementation of the AWS backend: issuers, STS error mapping, endpoint checks. Not API. */
@NullMarked
package dev.ephemera.aws.internal;

import org.jspecify.annotations.NullMarked;
