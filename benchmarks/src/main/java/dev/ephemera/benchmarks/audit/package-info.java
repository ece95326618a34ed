/**
 * Benchmarks of the tamper-evident audit trail: writing a chain, and verifying a million entries.
 */
@NullMarked
package dev.ephemera.benchmarks.audit;

import org.jspecify.annotations.NullMarked;
