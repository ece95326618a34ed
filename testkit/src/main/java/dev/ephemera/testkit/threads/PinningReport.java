package dev.ephemera.testkit.threads;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The {@code jdk.VirtualThreadPinned} events recorded while an action ran on a virtual thread
 * ({@link BlockingProbe#pinningOnVirtualThread}), at threshold zero.
 *
 * @param ours pins under our code (see {@link PinnedStack#ours()})
 * @param others pins with no frame of ours: a vendor SDK's or another thread's; reported, not
 *     failed
 */
public record PinningReport(List<PinnedStack> ours, List<PinnedStack> others) {

  /**
   * Copies the lists.
   *
   * @param ours the ours
   * @param others the others
   */
  public PinningReport {
    ours = List.copyOf(ours);
    others = List.copyOf(others);
  }

  /**
   * Fails, naming each pin's frame and reason, if our code pinned a carrier.
   *
   * @throws AssertionError if {@link #ours()} is not empty
   * @return the result
   */
  public PinningReport assertNoneOurs() {
    if (!ours.isEmpty()) {
      throw new AssertionError(
          "a virtual thread was pinned under library code:\n  "
              + ours.stream().map(PinnedStack::toString).collect(Collectors.joining("\n  ")));
    }
    return this;
  }

  @Override
  public String toString() {
    return "PinningReport[ours=" + ours + ", others=" + others + "]";
  }
}
