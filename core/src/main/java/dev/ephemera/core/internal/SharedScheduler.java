package dev.ephemera.core.internal;

import dev.ephemera.core.refresh.Scheduler;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The JVM-wide scheduler: one timer thread, a worker pool of at most {@link #WORKERS} threads that
 * time out when idle, and an audit pool. All daemon threads, named {@code ephemera-*}.
 *
 * <p>The audit pool ({@code ephemera-audit-N}) starts a thread when an audit task finds none free
 * (or finishing), up to {@link #AUDIT_THREADS}, and ends each after 30 s idle; a task that finds
 * all of them busy waits for the first to free up, never lost. So a listener that blocks forever
 * blocks only its own thread: up to 63 listeners may block forever without delaying the others.
 * With listeners that return promptly, audit for 10,000 sources runs on one or two threads: calls
 * into one listener object are serialized (by the publishers), and distinct quick listeners reuse
 * idle threads.
 */
public final class SharedScheduler implements Scheduler {
  /** The most worker threads the shared pool runs at once. */
  public static final int WORKERS =
      Math.max(2, Math.min(8, Runtime.getRuntime().availableProcessors()));

  /** The most audit threads alive at once. */
  public static final int AUDIT_THREADS = 64;

  private final ScheduledThreadPoolExecutor timer;
  private final ExecutorService workers;
  private final AuditExecutor audit;
  private final Scheduler timed; // the one place a delay becomes a timer: saturated

  private SharedScheduler() {
    timer = new ScheduledThreadPoolExecutor(1, daemon("ephemera-timer"));
    timer.setRemoveOnCancelPolicy(true);
    timer.setKeepAliveTime(30, TimeUnit.SECONDS);
    timer.allowCoreThreadTimeOut(true);
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            WORKERS,
            WORKERS,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            daemon("ephemera-refresh"));
    pool.allowCoreThreadTimeOut(true);
    workers = pool;
    audit = new AuditExecutor(AUDIT_THREADS, daemon("ephemera-audit"));
    timed = Scheduler.of(timer, workers, audit);
  }

  /** The one instance. */
  public static SharedScheduler instance() {
    return Holder.INSTANCE;
  }

  private static final class Holder {
    static final SharedScheduler INSTANCE = new SharedScheduler();
  }

  @Override
  public Task schedule(Runnable task, Duration delay) {
    return timed.schedule(task, delay);
  }

  @Override
  public Executor workers() {
    return workers;
  }

  @Override
  public Executor auditDelivery() {
    return audit;
  }

  /** Timer tasks not yet run (for leak tests, here and in the testkit's). */
  public int pendingTimerTasks() {
    return timer.getQueue().size();
  }

  private static ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
