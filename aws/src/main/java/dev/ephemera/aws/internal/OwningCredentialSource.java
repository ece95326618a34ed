package dev.ephemera.aws.internal;

import dev.ephemera.core.Credential;
import dev.ephemera.core.CredentialSource;
import dev.ephemera.core.SourceStatus;
import dev.ephemera.core.Subscription;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A source that also owns a resource its issuer uses (the STS client it built) and closes it after
 * the source: the engine does not close issuers. Every other call is delegated unchanged.
 *
 * @param <C> the credential type
 */
public final class OwningCredentialSource<C extends Credential> implements CredentialSource<C> {
  private final CredentialSource<C> delegate;
  private final AutoCloseable owned;

  /** Wraps {@code delegate}; {@link #close()} closes it, then {@code owned}. */
  public OwningCredentialSource(CredentialSource<C> delegate, AutoCloseable owned) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.owned = Objects.requireNonNull(owned, "owned");
  }

  @Override
  public C get() {
    return delegate.get();
  }

  @Override
  public C get(Duration minRemaining) {
    return delegate.get(minRemaining);
  }

  @Override
  public CompletableFuture<C> getAsync() {
    return delegate.getAsync();
  }

  @Override
  public Optional<C> current() {
    return delegate.current();
  }

  @Override
  public CompletableFuture<C> refresh() {
    return delegate.refresh();
  }

  @Override
  public CompletableFuture<C> invalidate() {
    return delegate.invalidate();
  }

  @Override
  public SourceStatus status() {
    return delegate.status();
  }

  @Override
  public Subscription subscribe(Consumer<? super C> onRotation) {
    return delegate.subscribe(onRotation);
  }

  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public void close() {
    try {
      delegate.close();
    } finally {
      try {
        owned.close();
      } catch (Exception e) {
        // Closing an HTTP client we built: nothing useful to do, nothing secret in it.
      }
    }
  }

  @Override
  public String toString() {
    return delegate.toString();
  }
}
