/**
 * Wire rules every backend meets the same way: one {@link dev.ephemera.core.spi.http.RetryAfter}
 * reading and one {@link dev.ephemera.core.spi.http.HttpDate} parser. Backends call these instead
 * of writing their own.
 */
@NullMarked
package dev.ephemera.core.spi.http;

import org.jspecify.annotations.NullMarked;
