/** Vault example: a database connection pool whose login is a dynamic secret, kept current. */
@NullMarked
package dev.ephemera.examples.vault;

import org.jspecify.annotations.NullMarked;
