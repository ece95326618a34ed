package dev.ephemera.azure.internal;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs each task on the calling thread. MSAL runs {@code acquireToken} on an executor (the common
 * fork-join pool unless told otherwise); this keeps the blocking HTTP call on the engine's own
 * worker, where the engine expects it, and adds no thread.
 */
final class InlineExecutorService extends AbstractExecutorService {
  static final InlineExecutorService INSTANCE = new InlineExecutorService();

  private InlineExecutorService() {}

  @Override
  public void execute(Runnable command) {
    command.run();
  }

  /** Does nothing: there is nothing to stop. */
  @Override
  public void shutdown() {}

  @Override
  public List<Runnable> shutdownNow() {
    return List.of();
  }

  @Override
  public boolean isShutdown() {
    return false;
  }

  @Override
  public boolean isTerminated() {
    return false;
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return false;
  }
}
