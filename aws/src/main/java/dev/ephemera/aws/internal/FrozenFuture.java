package dev.ephemera.aws.internal;

import java.util.concurrent.CompletableFuture;

/**
 * An already-completed future whose outcome cannot be changed: {@code obtrude*} throw, and {@code
 * complete*} and {@code cancel} are no-ops on a completed future anyway. Safe to hand the same
 * instance to every caller, so resolving an identity allocates nothing.
 *
 * @param <T> the value type
 */
public final class FrozenFuture<T> extends CompletableFuture<T> {

  private FrozenFuture() {}

  /** A completed future of {@code value}. */
  public static <T> CompletableFuture<T> of(T value) {
    FrozenFuture<T> f = new FrozenFuture<>();
    f.superComplete(value);
    return f;
  }

  private void superComplete(T value) {
    super.complete(value);
  }

  @Override
  public void obtrudeValue(T value) {
    throw new UnsupportedOperationException("a shared, completed future cannot be changed");
  }

  @Override
  public void obtrudeException(Throwable ex) {
    throw new UnsupportedOperationException("a shared, completed future cannot be changed");
  }

  @Override
  public <U> CompletableFuture<U> newIncompleteFuture() {
    return new CompletableFuture<>();
  }
}
