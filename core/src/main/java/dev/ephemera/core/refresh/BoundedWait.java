package dev.ephemera.core.refresh;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * How a caller waits for the one attempt in flight: at most {@link RefreshPolicy#acquireTimeout()},
 * timed on the source's own scheduler (so virtual time times it too), and always answered with a
 * typed {@link dev.ephemera.core.CredentialUnavailableException}. The attempt itself is never
 * cancelled: a caller that gives up leaves it to finish for the others.
 */
final class BoundedWait {
  private final String source;
  private final Scheduler scheduler;
  private final Duration timeout;

  BoundedWait(String source, Scheduler scheduler, Duration timeout) {
    this.source = source;
    this.scheduler = scheduler;
    this.timeout = Duration.ofNanos(Schedule.nanos(timeout));
  }

  /**
   * Blocks for {@code f}'s credential, at most the timeout. A failure is thrown fresh for this
   * caller's stack, with the attempt's shared exception as its cause.
   */
  <C> C await(CompletableFuture<C> f) {
    try {
      return bounded(f).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Failures.interrupted(source, e);
    } catch (ExecutionException e) {
      throw Failures.forCaller(Failures.unwrap(e.getCause()));
    }
  }

  /**
   * {@code f} itself when it is done (or no timer can be had); otherwise a future that completes
   * with it, or fails with {@code TIMEOUT} once the timeout has passed.
   */
  <C> CompletableFuture<C> bounded(CompletableFuture<C> f) {
    if (f.isDone()) {
      return f;
    }
    CompletableFuture<C> waiter = new CompletableFuture<>();
    Scheduler.Task task;
    try {
      task =
          scheduler.schedule(
              () -> waiter.completeExceptionally(Failures.timedOut(source, timeout)), timeout);
    } catch (Throwable e) {
      return f; // no timer to be had: the attempt itself always completes
    }
    f.whenComplete(
        (c, e) -> {
          task.cancel();
          if (e != null) {
            waiter.completeExceptionally(Failures.unwrap(e));
          } else {
            waiter.complete(c);
          }
        });
    return waiter;
  }
}
