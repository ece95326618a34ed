/**
 * Checks that library code neither holds a monitor across upstream I/O nor pins a virtual thread's
 * carrier: {@link dev.ephemera.testkit.threads.BlockingProbe} runs an action (a first issuance, a
 * refresh) while an emulator holds its answer at a {@link dev.ephemera.testkit.emulator.Gate}, and
 * reports what the library's threads hold ({@link dev.ephemera.testkit.threads.MonitorReport}) and
 * which carriers were pinned ({@link dev.ephemera.testkit.threads.PinningReport}).
 */
@NullMarked
package dev.ephemera.testkit.threads;

import org.jspecify.annotations.NullMarked;
