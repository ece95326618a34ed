package dev.ephemera.core.internal;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The audit executor: a task runs on a thread that is free or about to be, and otherwise on a new
 * thread, up to {@code maxThreads}, each ending after {@link #IDLE} without work. A task that finds
 * every thread busy at the maximum waits in the queue, never lost, for the first thread to free up.
 *
 * <p>So a listener that blocks forever holds its own thread only: with 64 threads, up to 63
 * listeners may block forever without delaying the others. Quick listeners reuse the threads that
 * are free, so steady audit traffic runs on one or two.
 *
 * <p>A {@link ThreadPoolExecutor} with a core of zero and a queue that takes a task only while no
 * more tasks are outstanding than threads alive (so some thread is idle or finishing and will take
 * it); otherwise the pool starts a thread. A plain {@code SynchronousQueue} would start one
 * whenever the previous thread had finished its task but not yet gone back to waiting, which a
 * shared quick listener hits all the time.
 */
final class AuditExecutor implements Executor {
  /** How long an idle audit thread lives. */
  static final Duration IDLE = Duration.ofSeconds(30);

  private final AtomicInteger outstanding = new AtomicInteger();
  private final TaskQueue queue = new TaskQueue();
  private final ThreadPoolExecutor pool;

  AuditExecutor(int maxThreads, ThreadFactory threads) {
    this.pool =
        new ThreadPoolExecutor(
            0,
            maxThreads,
            IDLE.toNanos(),
            TimeUnit.NANOSECONDS,
            queue,
            r -> threads.newThread(() -> runThenCheckQueue(r)),
            (r, p) -> queue.force(r));
    queue.pool = pool;
  }

  @Override
  public void execute(Runnable task) {
    Objects.requireNonNull(task, "task");
    outstanding.incrementAndGet();
    try {
      pool.execute(
          () -> {
            try {
              task.run();
            } finally {
              outstanding.decrementAndGet();
            }
          });
    } catch (RuntimeException | Error e) {
      outstanding.decrementAndGet();
      throw e;
    }
  }

  /** Threads alive now (for tests). */
  int threads() {
    return pool.getPoolSize();
  }

  /** The most threads ever alive at once (for tests). */
  int largestThreads() {
    return pool.getLargestPoolSize();
  }

  /** Tasks accepted and not yet finished (for tests). */
  int outstanding() {
    return outstanding.get();
  }

  /**
   * A thread that times out can leave while a task is being queued for it: the last one out makes
   * sure a thread remains for what is queued.
   */
  private void runThenCheckQueue(Runnable worker) {
    try {
      worker.run();
    } finally {
      if (!queue.isEmpty()) {
        pool.execute(() -> {});
      }
    }
  }

  /** Takes a task only when a thread is free for it or no thread can be added. */
  private final class TaskQueue extends LinkedBlockingQueue<Runnable> {
    private static final long serialVersionUID = 1L;

    @Nullable ThreadPoolExecutor pool;

    @Override
    public boolean offer(Runnable task) {
      ThreadPoolExecutor p = Objects.requireNonNull(pool);
      int threads = p.getPoolSize();
      if (outstanding.get() <= threads || threads >= p.getMaximumPoolSize()) {
        return super.offer(task);
      }
      return false; // the pool starts a thread for it (or, at the maximum, force() queues it)
    }

    void force(Runnable task) {
      super.offer(task);
    }
  }
}
