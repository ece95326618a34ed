package dev.ephemera.testkit.threads;

/**
 * A monitor that a thread held while the probed action was blocked in upstream I/O.
 *
 * @param thread the holding thread's name
 * @param frameClass the class of the frame that locked the monitor
 * @param method that frame's method
 * @param line that frame's line, or a negative number when unknown
 * @param monitorClass the class of the locked object
 * @param ours whether the locking frame is in one of the probe's own packages
 */
public record HeldMonitor(
    String thread, String frameClass, String method, int line, String monitorClass, boolean ours) {

  /** {@code 'thread': Frame.method(line) holds a monitor of MonitorClass}. */
  @Override
  public String toString() {
    return "'"
        + thread
        + "': "
        + frameClass
        + "."
        + method
        + (line >= 0 ? ":" + line : "")
        + " holds a monitor of "
        + monitorClass;
  }
}
