/**
 * Implementation details of ephemera-core. Not API: anything here may change in any release. The
 * jar's {@code Automatic-Module-Name} is {@code dev.ephemera.core}; do not depend on this package.
 */
@NullMarked
package dev.ephemera.core.internal;

import org.jspecify.annotations.NullMarked;
