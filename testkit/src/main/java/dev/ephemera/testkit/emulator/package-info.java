/**
 * The machinery every upstream emulator shares: a WireMock server on loopback (HTTP or HTTPS with
 * {@link dev.ephemera.testkit.emulator.LoopbackTls}), one fault vocabulary ({@link
 * dev.ephemera.testkit.emulator.Fault}, scheduled by a {@link
 * dev.ephemera.testkit.emulator.FaultPlan}) and one request {@link
 * dev.ephemera.testkit.emulator.Journal}. An emulator supplies its protocol as an {@link
 * dev.ephemera.testkit.emulator.EmulatedProtocol}; a fault test reads the same for every backend.
 */
@NullMarked
package dev.ephemera.testkit.emulator;

import org.jspecify.annotations.NullMarked;
