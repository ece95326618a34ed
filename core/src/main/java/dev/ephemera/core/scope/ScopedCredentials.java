package dev.ephemera.core.scope;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.ephemera.core.Credential;
import dev.ephemera.core.CredentialSource;
import dev.ephemera.core.CredentialUnavailableException;
import dev.ephemera.core.CredentialUnavailableException.Reason;
import dev.ephemera.core.refresh.Timebase;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A credential source per scope key, created on first use by a factory, refreshed on its own
 * schedule, and closed (which revokes what it holds) after {@code expireAfterAccess} without use or
 * when the map outgrows {@code maximumSize}. Thread-safe.
 *
 * <pre>{@code
 * ScopedCredentials<String, AwsSessionCredential> perBucket =
 *     ScopedCredentials.builder((String bucket) -> irsa.scopedTo(readOnly(bucket)))
 *         .expireAfterAccess(Duration.ofMinutes(30))
 *         .build();
 * AwsSessionCredential c = perBucket.get("reports");
 * }</pre>
 *
 * @param <K> the scope key (an immutable value with equals/hashCode)
 * @param <C> the credential type
 */
public final class ScopedCredentials<K, C extends Credential> implements AutoCloseable {
  private final Function<? super K, ? extends CredentialSource<C>> factory;
  private final Cache<K, CredentialSource<C>> sources;
  private volatile boolean closed;

  private ScopedCredentials(Builder<K, C> b) {
    this.factory = b.factory;
    Timebase time = b.timebase;
    Executor workers = time.scheduler().workers();
    this.sources =
        Caffeine.newBuilder()
            .expireAfterAccess(b.expireAfterAccess)
            .maximumSize(b.maximumSize)
            .ticker(time.ticker()::read)
            .executor(
                task -> {
                  try {
                    workers.execute(task);
                  } catch (RejectedExecutionException e) {
                    task.run(); // a shut-down pool must not leave a source unclosed
                  }
                })
            .scheduler(
                (Executor executor, Runnable command, long delay, TimeUnit unit) -> {
                  CompletableFuture<Void> done = new CompletableFuture<>();
                  var task =
                      time.scheduler()
                          .schedule(
                              () -> {
                                if (!done.isDone()) {
                                  executor.execute(command);
                                  done.complete(null);
                                }
                              },
                              Duration.ofNanos(unit.toNanos(delay)));
                  done.whenComplete(
                      (v, e) -> {
                        if (done.isCancelled()) {
                          task.cancel();
                        }
                      });
                  return (Future<?>) done;
                })
            .<K, CredentialSource<C>>removalListener(
                (key, source, cause) -> {
                  if (source != null && cause != RemovalCause.REPLACED) {
                    source.close();
                  }
                })
            .build();
  }

  /**
   * {@return a builder around a factory that makes the source for one scope key}
   *
   * @param <C> the credential type
   * @param <K> the scope key
   * @param factory the factory
   */
  public static <K, C extends Credential> Builder<K, C> builder(
      Function<? super K, ? extends CredentialSource<C>> factory) {
    return new Builder<>(factory);
  }

  /**
   * {@return the source for {@code key}, created on first use}
   *
   * @param key the field or attribute name
   * @throws CredentialUnavailableException with reason {@code CLOSED} after {@link #close()}
   */
  public CredentialSource<C> source(K key) {
    Objects.requireNonNull(key, "key");
    if (closed) {
      throw new CredentialUnavailableException(Reason.CLOSED, "scoped credentials are closed");
    }
    return sources.get(key, k -> Objects.requireNonNull(factory.apply(k), "factory returned null"));
  }

  /**
   * {@return a valid credential for {@code key}: {@code source(key).get()}, retried once if the
   * source was evicted and closed between the lookup and the call}
   *
   * @param key the field or attribute name
   */
  public C get(K key) {
    try {
      return source(key).get();
    } catch (CredentialUnavailableException e) {
      if (e.reason() != Reason.CLOSED || closed) {
        throw e;
      }
      return source(key).get();
    }
  }

  /** {@return the keys with a live source} */
  public Set<K> scopes() {
    return Set.copyOf(sources.asMap().keySet());
  }

  /** {@return a view of the live sources by key} */
  public Map<K, CredentialSource<C>> asMap() {
    return Map.copyOf(sources.asMap());
  }

  /**
   * Closes one scope's source now (revoking its credential).
   *
   * @param key the field or attribute name
   */
  public void evict(K key) {
    sources.invalidate(key);
  }

  /** Evicts what has expired now, instead of on the next access or timer. */
  public void cleanUp() {
    sources.cleanUp();
  }

  /** Closes every source (revoking what they hold). Idempotent. */
  @Override
  public void close() {
    closed = true;
    Map<K, CredentialSource<C>> all = Map.copyOf(sources.asMap());
    sources.asMap().clear();
    all.values().forEach(CredentialSource::close);
  }

  /**
   * Builds {@link ScopedCredentials}.
   *
   * @param <K> the scope key
   * @param <C> the credential type
   */
  public static final class Builder<K, C extends Credential> {
    private final Function<? super K, ? extends CredentialSource<C>> factory;
    private Duration expireAfterAccess = Duration.ofMinutes(30);
    private long maximumSize = 1_000;
    private Timebase timebase = Timebase.system();

    private Builder(Function<? super K, ? extends CredentialSource<C>> factory) {
      this.factory = Objects.requireNonNull(factory, "factory");
    }

    /**
     * Close a scope's source after this long unused; default 30 minutes; positive.
     *
     * @param idle the idle
     * @return this builder
     */
    public Builder<K, C> expireAfterAccess(Duration idle) {
      Objects.requireNonNull(idle, "expireAfterAccess");
      if (idle.isNegative() || idle.isZero()) {
        throw new IllegalArgumentException("expireAfterAccess must be positive: " + idle);
      }
      this.expireAfterAccess = idle;
      return this;
    }

    /**
     * The most scopes kept; default 1,000; positive.
     *
     * @param max the most scopes kept; default 1,000; positive
     * @return this builder
     */
    public Builder<K, C> maximumSize(long max) {
      if (max < 1) {
        throw new IllegalArgumentException("maximumSize must be positive: " + max);
      }
      this.maximumSize = max;
      return this;
    }

    /**
     * Ticker and scheduler for idle eviction; use the same one as the sources.
     *
     * @param timebase the clock, ticker and scheduler
     * @return this builder
     */
    public Builder<K, C> timebase(Timebase timebase) {
      this.timebase = Objects.requireNonNull(timebase, "timebase");
      return this;
    }

    /**
     * Builds the map.
     *
     * @return the new {@code ScopedCredentials<K, C>}
     */
    public ScopedCredentials<K, C> build() {
      return new ScopedCredentials<>(this);
    }
  }
}
