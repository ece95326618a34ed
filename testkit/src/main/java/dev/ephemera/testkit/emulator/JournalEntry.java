package dev.ephemera.testkit.emulator;

import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One request an emulator received.
 *
 * @param time when it arrived, on the emulator's clock
 * @param request the request as received
 * @param status the status sent (0 for a connection reset)
 * @param fault the fault applied, or {@code null}
 */
public record JournalEntry(
    Instant time, EmulatedRequest request, int status, @Nullable Fault fault) {

  /** {@return the fault applied, if any} */
  public Optional<Fault> appliedFault() {
    return Optional.ofNullable(fault);
  }

  /** {@return true when the request was answered normally with a 2xx status} */
  public boolean succeeded() {
    return fault == null && status >= 200 && status < 300;
  }
}
