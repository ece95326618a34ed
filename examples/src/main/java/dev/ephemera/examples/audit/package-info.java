/** Audit example: every credential event to a JSON-lines file and to SLF4J. */
@NullMarked
package dev.ephemera.examples.audit;

import org.jspecify.annotations.NullMarked;
