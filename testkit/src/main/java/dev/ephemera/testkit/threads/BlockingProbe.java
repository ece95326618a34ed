package dev.ephemera.testkit.threads;

import dev.ephemera.testkit.emulator.Gate;
import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.management.JMException;
import javax.management.ObjectName;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingStream;
import org.jspecify.annotations.Nullable;

/**
 * Two checks that a library stays friendly to virtual threads while it waits on an upstream.
 *
 * <ol>
 *   <li>{@link #monitorsWhileBlocked}: on every JDK. Runs an action (a first issuance, a refresh)
 *       on a new platform thread; once the emulator holds the action's request at a {@link Gate}
 *       (so the action is provably blocked in upstream I/O), takes a thread dump with locked
 *       monitors of the threads involved (the action's, and every other thread running code of the
 *       probe's own packages) and reports each monitor held. A monitor held by our code across I/O
 *       serialises callers and, up to JDK 23, pins a virtual thread's carrier; from JDK 24 (JEP
 *       491) it no longer pins, so only this check still sees it.
 *   <li>{@link #pinningOnVirtualThread}: on JDK 21 and later. Runs the action on a virtual thread
 *       under a JFR {@link RecordingStream} with {@code jdk.VirtualThreadPinned} at threshold zero,
 *       and reports every pin. Up to JDK 23 it catches a {@code synchronized} around I/O; on every
 *       version it catches a native frame or a class initializer that blocks.
 * </ol>
 *
 * <pre>{@code
 * Gate gate = Gate.closed();
 * sts.faults().next(Fault.hold(gate));
 * BlockingProbe.forEphemera().monitorsWhileBlocked(gate, source::get).assertNoneOurs();
 * }</pre>
 *
 * <p>Frames of the probe and of the test's own action (the lambda passed in) are not counted as
 * ours. The pinning check raises JFR's stack depth (best effort) so that deep vendor stacks still
 * show our frames; on the probed thread a stack that JFR cut short counts as ours, since it may
 * hide one. Waits are on real time and bounded by {@link #timeout(Duration)}; nothing sleeps.
 */
public final class BlockingProbe {
  /** The packages {@link #forEphemera()} counts as ours. */
  public static final String EPHEMERA = "dev.ephemera.";

  private static final String PINNED = "jdk.VirtualThreadPinned";
  private static final int JFR_STACK_DEPTH = 1024;
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration WAITING_BOUND = Duration.ofSeconds(2);

  private final List<String> ownPackages;
  private final Duration timeout;

  private BlockingProbe(List<String> ownPackages, Duration timeout) {
    this.ownPackages = ownPackages;
    this.timeout = timeout;
  }

  /** {@return a probe whose own code is Ephemera's ({@value #EPHEMERA})} */
  public static BlockingProbe forEphemera() {
    return forPackages(EPHEMERA);
  }

  /**
   * A probe whose own code is in the packages starting with {@code prefixes} (e.g. {@code
   * "com.acme."}): monitors and pins under those count against it.
   *
   * @param prefixes the prefixes
   * @return the result
   */
  public static BlockingProbe forPackages(String... prefixes) {
    List<String> own = List.copyOf(Arrays.asList(prefixes));
    if (own.isEmpty() || own.stream().anyMatch(String::isBlank)) {
      throw new IllegalArgumentException("name at least one non-blank package prefix");
    }
    return new BlockingProbe(own, DEFAULT_TIMEOUT);
  }

  /**
   * The longest real time to wait for the action's request to reach the gate and for the action to
   * end; default 30 s.
   *
   * @param timeout the timeout
   * @return the result
   */
  public BlockingProbe timeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
    return new BlockingProbe(ownPackages, timeout);
  }

  /**
   * Whether this JDK has virtual threads (21 and later), which {@link #pinningOnVirtualThread}
   * needs.
   *
   * @return the result
   */
  public static boolean virtualThreadsAvailable() {
    return Runtime.version().feature() >= 21;
  }

  /** What a probe runs: the code under test, e.g. {@code source::get}. */
  @FunctionalInterface
  public interface Action {
    /**
     * Runs the code under test.
     *
     * @throws Exception if the action throws it
     */
    void run() throws Exception;
  }

  // ---------------------------------------------------------------- check 1: monitors

  /**
   * Runs {@code action} on a new platform thread and, while {@code gate} holds its request, reports
   * the monitors held by the threads involved. The gate is opened before this returns.
   *
   * @throws AssertionError if the action sent no request to the gate, returned while its request
   *     was held (it was not waiting on the answer), or failed
   * @param gate the gate
   * @param action the action
   * @return the result
   * @throws InterruptedException if interrupted while waiting
   */
  public MonitorReport monitorsWhileBlocked(Gate gate, Action action) throws InterruptedException {
    Objects.requireNonNull(gate, "gate");
    Objects.requireNonNull(action, "action");
    Harness harness = new Harness(ownPackages, action);
    Running run = new Running(action);
    Thread thread = new Thread(run, "ephemera-probe-monitors");
    thread.setDaemon(true);
    MonitorReport report;
    try {
      thread.start();
      awaitHeld(gate, run);
      report = inspect(thread, gate, harness);
    } finally {
      gate.open();
    }
    run.finish(thread, timeout);
    return report;
  }

  /**
   * Waits (bounded) until the action's thread is seen waiting for the answer: parked, or in a
   * native socket read or poll. Its request has reached the gate, but its thread may still be on
   * the way from the write to the read (logging, say).
   */
  private void awaitWaiting(Thread probed) {
    long deadline = System.nanoTime() + Math.min(timeout.toNanos(), WAITING_BOUND.toNanos());
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    while (System.nanoTime() - deadline < 0) {
      ThreadInfo info = threads.getThreadInfo(probed.getId(), 4);
      if (info == null || isWaiting(info)) {
        return;
      }
      Thread.yield(); // let the action reach its read; no sleep
    }
  }

  private static boolean isWaiting(ThreadInfo info) {
    Thread.State state = info.getThreadState();
    if (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING) {
      return true;
    }
    StackTraceElement[] stack = info.getStackTrace();
    if (state != Thread.State.RUNNABLE || stack.length == 0 || !stack[0].isNativeMethod()) {
      return false;
    }
    String method = stack[0].getMethodName().toLowerCase(Locale.ROOT);
    return method.contains("poll") || method.contains("read");
  }

  private MonitorReport inspect(Thread probed, Gate gate, Harness harness) {
    awaitWaiting(probed);
    Set<Long> skip = new HashSet<>();
    skip.add(Thread.currentThread().getId());
    gate.holdingThreads().forEach(t -> skip.add(t.getId()));
    List<String> inspected = new ArrayList<>();
    List<HeldMonitor> ours = new ArrayList<>();
    List<HeldMonitor> vendor = new ArrayList<>();
    for (ThreadInfo info : ManagementFactory.getThreadMXBean().dumpAllThreads(true, false)) {
      if (info == null || skip.contains(info.getThreadId())) {
        continue;
      }
      StackTraceElement[] stack = info.getStackTrace();
      List<String> classes = new ArrayList<>(stack.length);
      for (StackTraceElement e : stack) {
        classes.add(e.getClassName());
      }
      int harnessAt = harness.start(classes);
      boolean involved =
          info.getThreadId() == probed.getId() || hasOwnFrame(classes, harnessAt, harness);
      if (!involved) {
        continue;
      }
      inspected.add(
          info.getThreadName()
              + " ["
              + info.getThreadState()
              + "] at "
              + (stack.length == 0 ? "?" : stack[0]));
      for (MonitorInfo m : info.getLockedMonitors()) {
        StackTraceElement frame = m.getLockedStackFrame();
        int depth = m.getLockedStackDepth();
        boolean own =
            frame != null
                && harness.isOwn(frame.getClassName())
                && (depth < 0 || depth < harnessAt);
        HeldMonitor held =
            new HeldMonitor(
                info.getThreadName(),
                frame == null ? "?" : frame.getClassName(),
                frame == null ? "?" : frame.getMethodName(),
                frame == null ? -1 : frame.getLineNumber(),
                classOf(m),
                own);
        (own ? ours : vendor).add(held);
      }
    }
    return new MonitorReport(inspected, ours, vendor);
  }

  private static String classOf(LockInfo lock) {
    return lock.getClassName();
  }

  private static boolean hasOwnFrame(List<String> classes, int harnessAt, Harness harness) {
    for (int i = 0; i < harnessAt; i++) {
      if (harness.isOwn(classes.get(i))) {
        return true;
      }
    }
    return false;
  }

  // ---------------------------------------------------------------- check 2: pinning

  /**
   * Runs {@code action} on a virtual thread under JFR and reports every {@code
   * jdk.VirtualThreadPinned} event (threshold zero) recorded meanwhile.
   *
   * @throws UnsupportedOperationException below JDK 21 (guard with {@link
   *     #virtualThreadsAvailable()} or JUnit's {@code @EnabledForJreRange(min = JAVA_21)})
   * @throws AssertionError if the action failed or did not end in time
   * @param action the action
   * @return the result
   * @throws InterruptedException if interrupted while waiting
   */
  public PinningReport pinningOnVirtualThread(Action action) throws InterruptedException {
    return pinning(null, action);
  }

  /**
   * As {@link #pinningOnVirtualThread(Action)}, and the action must send a request to {@code gate},
   * which holds it until the probe has seen it arrive: the virtual thread is sure to park in
   * upstream I/O. The gate is opened before this returns.
   *
   * @param gate the gate
   * @param action the action
   * @return the result
   * @throws InterruptedException if interrupted while waiting
   */
  public PinningReport pinningOnVirtualThread(Gate gate, Action action)
      throws InterruptedException {
    return pinning(Objects.requireNonNull(gate, "gate"), action);
  }

  private PinningReport pinning(@Nullable Gate gate, Action action) throws InterruptedException {
    Objects.requireNonNull(action, "action");
    if (!virtualThreadsAvailable()) {
      throw new UnsupportedOperationException(
          "virtual threads need JDK 21 or later; this is " + Runtime.version());
    }
    Harness harness = new Harness(ownPackages, action);
    Running run = new Running(action);
    Thread thread = VirtualThreads.unstarted("ephemera-probe-virtual", run);
    long probedId = thread.getId();
    ConcurrentLinkedQueue<PinnedStack> pins = new ConcurrentLinkedQueue<>();
    deepenJfrStacks();
    try (RecordingStream stream = new RecordingStream()) {
      stream.enable(PINNED).withThreshold(Duration.ZERO).withStackTrace();
      // Events are converted at once: the stream reuses its event objects.
      stream.onEvent(PINNED, e -> pins.add(pinnedStack(e, probedId, harness)));
      stream.startAsync();
      try {
        thread.start();
        if (gate != null) {
          awaitHeld(gate, run);
        }
      } finally {
        if (gate != null) {
          gate.open();
        }
      }
      run.finish(thread, timeout);
      stopAndDrain(stream);
    }
    List<PinnedStack> ours = new ArrayList<>();
    List<PinnedStack> others = new ArrayList<>();
    for (PinnedStack p : pins) {
      (p.ours() ? ours : others).add(p);
    }
    return new PinningReport(ours, others);
  }

  private static PinnedStack pinnedStack(RecordedEvent e, long probedId, Harness harness) {
    RecordedThread t = e.getThread();
    boolean probed = t != null && t.getJavaThreadId() == probedId;
    RecordedStackTrace st = e.getStackTrace();
    List<String> classes = new ArrayList<>();
    List<String> frames = new ArrayList<>();
    boolean truncated = false;
    if (st != null) {
      truncated = st.isTruncated();
      for (RecordedFrame f : st.getFrames()) {
        String c = f.getMethod().getType().getName();
        classes.add(c);
        frames.add(c + "." + f.getMethod().getName() + ":" + f.getLineNumber());
      }
    }
    int harnessAt = harness.start(classes);
    String ownFrame = null;
    for (int i = 0; i < harnessAt; i++) {
      if (harness.isOwn(classes.get(i))) {
        ownFrame = frames.get(i);
        break;
      }
    }
    String reason = e.hasField("pinnedReason") ? e.getString("pinnedReason") : null;
    boolean ours = ownFrame != null || (probed && (truncated || st == null));
    return new PinnedStack(
        t == null ? "?" : String.valueOf(t.getJavaName()),
        probed,
        e.getDuration(),
        reason,
        frames,
        truncated,
        ownFrame,
        ours);
  }

  /** Raises JFR's stack depth so deep vendor stacks still show the frames that called them. */
  private static void deepenJfrStacks() {
    try {
      ManagementFactory.getPlatformMBeanServer()
          .invoke(
              new ObjectName("com.sun.management:type=DiagnosticCommand"),
              "jfrConfigure",
              new Object[] {new String[] {"stackdepth=" + JFR_STACK_DEPTH}},
              new String[] {String[].class.getName()});
    } catch (JMException | RuntimeException e) {
      // best effort: a truncated stack on the probed thread then counts as ours
    }
  }

  /** {@code RecordingStream.stop()} (JDK 20+): ends the recording once every event is consumed. */
  private static void stopAndDrain(RecordingStream stream) {
    try {
      Method stop = RecordingStream.class.getMethod("stop");
      stop.invoke(stream);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(
          "RecordingStream.stop() is missing on " + Runtime.version(), e);
    }
  }

  // ---------------------------------------------------------------- the action's thread

  /** Waits until the gate holds the action's request; fails if the action ends first. */
  private void awaitHeld(Gate gate, Running run) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Duration step = Duration.ofMillis(20);
    while (!gate.awaitArrival(step)) {
      if (run.ended()) {
        throw new AssertionError(
            "the action ended without sending a request to the gated emulator", run.failure());
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("no request reached the gate within " + timeout);
      }
    }
    if (run.ended()) {
      throw new AssertionError(
          "the action ended while its request was held: it was not blocked on the answer",
          run.failure());
    }
  }

  /** The action, run once, with its outcome. */
  private static final class Running implements Runnable {
    private final Action action;
    private final CountDownLatch done = new CountDownLatch(1);
    private final AtomicReference<@Nullable Throwable> failure = new AtomicReference<>();

    Running(Action action) {
      this.action = action;
    }

    @Override
    public void run() {
      try {
        action.run();
      } catch (Throwable e) {
        failure.set(e);
      } finally {
        done.countDown();
      }
    }

    boolean ended() {
      return done.getCount() == 0;
    }

    @Nullable Throwable failure() {
      return failure.get();
    }

    /** Waits for the action to end; fails if it did not, or threw. */
    void finish(Thread thread, Duration timeout) throws InterruptedException {
      if (!done.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
        thread.interrupt();
        throw new AssertionError("the action did not end within " + timeout + " (" + thread + ")");
      }
      Throwable e = failure.get();
      if (e != null) {
        throw new AssertionError("the probed action failed: " + e, e);
      }
    }
  }
}
