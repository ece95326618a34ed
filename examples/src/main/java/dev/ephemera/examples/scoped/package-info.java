/** Scoped credentials example: one S3 session per bucket, each narrowed by a session policy. */
@NullMarked
package dev.ephemera.examples.scoped;

import org.jspecify.annotations.NullMarked;
