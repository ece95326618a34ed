/**
 * AWS examples: an S3 listing with IRSA credentials, and the same listing with credentials narrowed
 * to one bucket prefix by a session policy.
 */
@NullMarked
package dev.ephemera.examples.aws;

import org.jspecify.annotations.NullMarked;
