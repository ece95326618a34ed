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
 * time out when idle, and one audit thread. All daemon threads, named {@code ephemera-*}.
 */
public final class SharedScheduler implements Scheduler {
  /** The most worker threads the shared pool runs at once. */
  public static final int WORKERS =
      Math.max(2, Math.min(8, Runtime.getRuntime().availableProcessors()));

  private final ScheduledThreadPoolExecutor timer;
  private final ExecutorService workers;
  private final ExecutorService audit;

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
    ThreadPoolExecutor auditPool =
        new ThreadPoolExecutor(
            1, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), daemon("ephemera-audit"));
    auditPool.allowCoreThreadTimeOut(true);
    audit = auditPool;
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
    var future = timer.schedule(task, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
    return () -> future.cancel(false);
  }

  @Override
  public Executor workers() {
    return workers;
  }

  @Override
  public Executor auditDelivery() {
    return audit;
  }

  /** Timer tasks not yet run (for leak tests). */
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
