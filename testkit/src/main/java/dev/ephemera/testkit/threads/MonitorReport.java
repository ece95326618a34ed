package dev.ephemera.testkit.threads;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The monitors held by the threads involved in an action, taken while the action was blocked in
 * upstream I/O ({@link BlockingProbe#monitorsWhileBlocked}).
 *
 * @param inspected the threads looked at, each as {@code name [state] at top-frame}
 * @param ours monitors locked by a frame in the probe's own packages: each one is held across I/O
 * @param vendor monitors locked by any other frame (a vendor SDK, the JDK): reported, not failed
 */
public record MonitorReport(
    List<String> inspected, List<HeldMonitor> ours, List<HeldMonitor> vendor) {

  /**
   * Copies the lists.
   *
   * @param inspected the inspected
   * @param ours the ours
   * @param vendor the vendor
   */
  public MonitorReport {
    inspected = List.copyOf(inspected);
    ours = List.copyOf(ours);
    vendor = List.copyOf(vendor);
  }

  /**
   * Fails, naming each monitor (class, method, monitor class), if our code held any monitor across
   * the upstream call.
   *
   * @throws AssertionError if {@link #ours()} is not empty
   * @return the result
   */
  public MonitorReport assertNoneOurs() {
    if (!ours.isEmpty()) {
      throw new AssertionError(
          "library code held a monitor across upstream I/O (use a ReentrantLock, or release it"
              + " before the call):\n  "
              + ours.stream().map(HeldMonitor::toString).collect(Collectors.joining("\n  "))
              + "\ninspected: "
              + inspected);
    }
    return this;
  }

  /** A multi-line summary for a test's output. */
  @Override
  public String toString() {
    return "MonitorReport[inspected=" + inspected + ", ours=" + ours + ", vendor=" + vendor + "]";
  }
}
