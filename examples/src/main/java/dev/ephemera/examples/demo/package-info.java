/**
 * The demo: every backend against the testkit's emulators on loopback, on scaled time, with a live
 * status table, the audit stream and a closing summary. Run {@code ./demo --help}.
 */
@NullMarked
package dev.ephemera.examples.demo;

import org.jspecify.annotations.NullMarked;
