/** Google Cloud example: reading a Cloud Storage object with GKE Workload Identity. */
@NullMarked
package dev.ephemera.examples.gcp;

import org.jspecify.annotations.NullMarked;
