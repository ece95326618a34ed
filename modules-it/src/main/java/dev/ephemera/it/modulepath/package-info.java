/** The module-path consumer: builds one source per backend through the public API only. */
@NullMarked
package dev.ephemera.it.modulepath;

import org.jspecify.annotations.NullMarked;
