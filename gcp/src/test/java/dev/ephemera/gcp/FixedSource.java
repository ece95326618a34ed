package dev.ephemera.gcp;

import dev.ephemera.core.BearerToken;
import dev.ephemera.core.CredentialSource;
import dev.ephemera.core.SourceState;
import dev.ephemera.core.SourceStatus;
import dev.ephemera.core.Subscription;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** A source that always holds one token: for tests that need a token in an adapter. */
final class FixedSource implements CredentialSource<BearerToken> {
  private final BearerToken token;

  FixedSource(BearerToken token) {
    this.token = token;
  }

  @Override
  public BearerToken get() {
    return token;
  }

  @Override
  public BearerToken get(Duration minRemaining) {
    return token;
  }

  @Override
  public CompletableFuture<BearerToken> getAsync() {
    return CompletableFuture.completedFuture(token);
  }

  @Override
  public Optional<BearerToken> current() {
    return Optional.of(token);
  }

  @Override
  public CompletableFuture<BearerToken> refresh() {
    return CompletableFuture.completedFuture(token);
  }

  @Override
  public CompletableFuture<BearerToken> invalidate() {
    return CompletableFuture.completedFuture(token);
  }

  @Override
  public SourceStatus status() {
    return new SourceStatus(
        "fixed", SourceState.VALID, token.id(), token.expiresAt(), null, null, 0, 1, 0);
  }

  @Override
  public Subscription subscribe(Consumer<? super BearerToken> onRotation) {
    return () -> {};
  }

  @Override
  public String name() {
    return "fixed";
  }

  @Override
  public void close() {}
}
