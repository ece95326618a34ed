/**
 * JUnit 5 wiring: {@link dev.ephemera.testkit.junit.EmulatorExtension} starts the emulators a test
 * asks for as parameters and closes them after it.
 */
@NullMarked
package dev.ephemera.testkit.junit;

import org.jspecify.annotations.NullMarked;
