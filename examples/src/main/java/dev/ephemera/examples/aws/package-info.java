/** AWS example: listing an S3 bucket with IRSA credentials kept fresh by Ephemera. */
@NullMarked
package dev.ephemera.examples.aws;

import org.jspecify.annotations.NullMarked;
