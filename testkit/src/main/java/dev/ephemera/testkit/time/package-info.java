/** Virtual and scaled time for tests and demos. */
@NullMarked
package dev.ephemera.testkit.time;

import org.jspecify.annotations.NullMarked;
