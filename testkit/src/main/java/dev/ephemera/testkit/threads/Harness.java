package dev.ephemera.testkit.threads;

import java.util.List;

/**
 * Which frames of a stack are the probe's own harness rather than the code under test: the probe's
 * frames, and the test's action (a lambda or class of the test) directly above them. Frames are
 * listed top first, as {@link Thread#getStackTrace()} lists them.
 */
final class Harness {
  private static final String PROBE = BlockingProbe.class.getName();
  private final List<String> ownPackages;
  private final String actionHost;

  Harness(List<String> ownPackages, Object action) {
    this.ownPackages = ownPackages;
    this.actionHost = hostOf(action.getClass().getName());
  }

  /** The class a lambda was written in ({@code a.B$$Lambda/0x12} is {@code a.B}), or itself. */
  static String hostOf(String actionClass) {
    int lambda = actionClass.indexOf("$$Lambda");
    return lambda > 0 ? actionClass.substring(0, lambda) : actionClass;
  }

  /** Whether {@code className} is in one of the probe's own packages. */
  boolean isOwn(String className) {
    for (String p : ownPackages) {
      if (className.startsWith(p)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The index of the first harness frame: frames at this index and below it (deeper) belong to the
   * probe; {@code classes.size()} when the stack shows no probe frame (another thread, or a stack
   * cut short).
   */
  int start(List<String> classes) {
    int probe = -1;
    for (int i = 0; i < classes.size(); i++) {
      String c = classes.get(i);
      if (c.equals(PROBE) || c.startsWith(PROBE + "$")) {
        probe = i;
        break;
      }
    }
    if (probe < 0) {
      return classes.size();
    }
    int k = probe;
    while (k > 0 && isActionFrame(classes.get(k - 1))) {
      k--;
    }
    return k;
  }

  private boolean isActionFrame(String className) {
    return className.equals(actionHost) || className.startsWith(actionHost + "$$Lambda");
  }
}
