package dev.ephemera.testkit.threads;

import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One {@code jdk.VirtualThreadPinned} event recorded while a probed action ran.
 *
 * @param thread the pinned virtual thread's name
 * @param probed whether it is the probe's own virtual thread (the one running the action)
 * @param duration how long the carrier was pinned while parked
 * @param reason the JVM's stated reason (JDK 24+), or null
 * @param frames the stack, top first, as {@code class.method:line}
 * @param truncated whether JFR cut the stack
 * @param ownFrame the first frame in the probe's own packages outside the probe's harness, or null
 * @param ours whether this pin counts against the library: it has {@code ownFrame}, or it is on the
 *     probed thread with a truncated stack that may hide one
 */
public record PinnedStack(
    String thread,
    boolean probed,
    Duration duration,
    @Nullable String reason,
    List<String> frames,
    boolean truncated,
    @Nullable String ownFrame,
    boolean ours) {

  /**
   * Copies the frames.
   *
   * @param thread the thread
   * @param probed the probed
   * @param duration the duration
   * @param reason the reason
   * @param frames the frames
   * @param truncated the truncated
   * @param ownFrame the own frame
   * @param ours the ours
   */
  public PinnedStack {
    frames = List.copyOf(frames);
  }

  /** The thread, the reason, the own frame and the top frames. */
  @Override
  public String toString() {
    return "pinned '"
        + thread
        + "' for "
        + duration
        + (reason == null ? "" : " (" + reason + ")")
        + (ownFrame == null ? "" : " under " + ownFrame)
        + (truncated ? " [stack truncated]" : "")
        + " at "
        + frames.subList(0, Math.min(8, frames.size()));
  }
}
