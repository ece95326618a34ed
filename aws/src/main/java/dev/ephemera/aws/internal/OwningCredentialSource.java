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
import org.jspecify.annotations.Nullable;

/**
 * A source that also owns a resource its issuer uses (the STS client it built) and closes it after
 * the source: the engine does not close issuers. Every other call is delegated unchanged. It may
 * also carry the {@link SessionLimit} its builder knew, for {@code lasting(d)} to check at once.
 *
 * @param <C> the credential type
 */
public final class OwningCredentialSource<C extends Credential> implements CredentialSource<C> {
  private final CredentialSource<C> delegate;
  private final AutoCloseable owned;
  private final @Nullable SessionLimit limit;

  /** Wraps {@code delegate}; {@link #close()} closes it, then {@code owned}. */
  public OwningCredentialSource(CredentialSource<C> delegate, AutoCloseable owned) {
    this(delegate, owned, null);
  }

  /** Wraps {@code delegate} with the session limit its builder knew (null: none known). */
  public OwningCredentialSource(
      CredentialSource<C> delegate, AutoCloseable owned, @Nullable SessionLimit limit) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.owned = Objects.requireNonNull(owned, "owned");
    this.limit = limit;
  }

  /** The longest this source's credentials are served, when its builder knew it. */
  public Optional<SessionLimit> sessionLimit() {
    return Optional.ofNullable(limit);
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
