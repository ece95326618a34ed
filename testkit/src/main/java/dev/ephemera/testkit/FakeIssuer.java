package dev.ephemera.testkit;

import dev.ephemera.core.BearerToken;
import dev.ephemera.core.Secret;
import dev.ephemera.core.spi.CredentialIssuer;
import dev.ephemera.core.spi.IssuerInfo;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * An in-memory issuer of {@link BearerToken}s on an injected clock, for testing code that takes a
 * {@code CredentialSource} and for the engine's own tests. Scripted failures, optional renewal up
 * to a max TTL (like a Vault token), recorded revocations, a hook to block or observe issuance.
 * Thread-safe.
 */
public final class FakeIssuer implements CredentialIssuer<BearerToken> {
  private final Clock clock;
  private final Duration lifetime;
  private final @Nullable Duration maxTtl;
  private final String provider;
  private final String secretPrefix;
  private final Deque<RuntimeException> failures = new ArrayDeque<>();
  private @Nullable RuntimeException standingFailure;
  private final Map<String, Instant> firstIssued = new HashMap<>();
  private final List<String> revoked = new ArrayList<>();
  private final AtomicInteger issued = new AtomicInteger();
  private final AtomicInteger renewed = new AtomicInteger();
  private volatile Runnable onIssue = () -> {};
  private volatile boolean repeatLast;
  private @Nullable BearerToken last;

  private FakeIssuer(Builder b) {
    this.clock = b.clock;
    this.lifetime = b.lifetime;
    this.maxTtl = b.maxTtl;
    this.provider = b.provider;
    this.secretPrefix = b.secretPrefix;
  }

  /**
   * {@return a builder on {@code clock}; lifetime defaults to one hour}
   *
   * @param clock the clock it runs on
   */
  public static Builder builder(Clock clock) {
    return new Builder(clock);
  }

  @Override
  public BearerToken issue() {
    onIssue.run();
    synchronized (this) {
      RuntimeException f = failures.poll();
      if (f == null) {
        f = standingFailure;
      }
      if (f != null) {
        throw f;
      }
      Instant now = clock.instant();
      BearerToken previous = last;
      if (repeatLast && previous != null) {
        // A metadata server handing back its cached token with its remaining life.
        BearerToken again =
            BearerToken.builder()
                .token(previous.token())
                .id(previous.id())
                .issuedAt(now)
                .expiresAt(previous.expiresAt())
                .build();
        issued.incrementAndGet();
        last = again;
        return again;
      }
      int n = issued.incrementAndGet();
      String id = "fake-" + n;
      BearerToken token =
          BearerToken.builder()
              .token(Secret.of(secretPrefix + n + "-" + UUID.randomUUID()))
              .id(id)
              .issuedAt(now)
              .expiresAt(now.plus(lifetime))
              .build();
      firstIssued.put(id, now);
      last = token;
      return token;
    }
  }

  @Override
  public synchronized Optional<BearerToken> renew(BearerToken current) {
    if (maxTtl == null) {
      return Optional.empty();
    }
    RuntimeException f = failures.poll();
    if (f == null) {
      f = standingFailure;
    }
    if (f != null) {
      throw f;
    }
    Instant first = firstIssued.get(current.id());
    Instant now = clock.instant();
    if (first == null || revoked.contains(current.id())) {
      return Optional.empty();
    }
    Instant cap = first.plus(maxTtl);
    Instant expiry = now.plus(lifetime).isAfter(cap) ? cap : now.plus(lifetime);
    if (!expiry.isAfter(now)) {
      return Optional.empty();
    }
    renewed.incrementAndGet();
    return Optional.of(
        BearerToken.builder()
            .token(current.token())
            .id(current.id())
            .issuedAt(now)
            .expiresAt(expiry)
            .build());
  }

  @Override
  public synchronized boolean revoke(BearerToken credential) {
    revoked.add(credential.id());
    return true;
  }

  @Override
  public IssuerInfo describe() {
    return new IssuerInfo(provider, "system:serviceaccount:test:app", "fake-target", "");
  }

  /**
   * The next issuance (or renewal) throws {@code failure}; queued in order.
   *
   * @param failure the next issuance (or renewal) throws {@code failure}; queued in order
   * @return this {@code FakeIssuer}
   */
  public synchronized FakeIssuer failNext(RuntimeException failure) {
    failures.add(Objects.requireNonNull(failure, "failure"));
    return this;
  }

  /**
   * Every call throws {@code failure} until {@link #recover()}.
   *
   * @param failure every call throws {@code failure} until {@link #recover()}
   * @return this {@code FakeIssuer}
   */
  public synchronized FakeIssuer failAlways(RuntimeException failure) {
    standingFailure = Objects.requireNonNull(failure, "failure");
    return this;
  }

  /**
   * Clears every scripted failure.
   *
   * @return this {@code FakeIssuer}
   */
  public synchronized FakeIssuer recover() {
    failures.clear();
    standingFailure = null;
    return this;
  }

  /**
   * When true, issue() hands back the last token again (a metadata server's cache).
   *
   * @param repeat when true, issue() hands back the last token again (a metadata server's cache)
   * @return this {@code FakeIssuer}
   */
  public FakeIssuer repeatLast(boolean repeat) {
    this.repeatLast = repeat;
    return this;
  }

  /**
   * Runs {@code hook} at the start of every issuance (to block, count or observe threads).
   *
   * @param hook the hook
   * @return this {@code FakeIssuer}
   */
  public FakeIssuer onIssue(Runnable hook) {
    this.onIssue = Objects.requireNonNull(hook, "hook");
    return this;
  }

  /** {@return issuance calls that returned a credential} */
  public int issued() {
    return issued.get();
  }

  /** {@return renewals that returned a credential} */
  public int renewed() {
    return renewed.get();
  }

  /** {@return ids revoked, in order} */
  public synchronized List<String> revokedIds() {
    return List.copyOf(revoked);
  }

  /** Builds a {@link FakeIssuer}. */
  public static final class Builder {
    private final Clock clock;
    private Duration lifetime = Duration.ofHours(1);
    private @Nullable Duration maxTtl;
    private String provider = "fake";
    private String secretPrefix = "fake-secret-";

    private Builder(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Lifetime of each credential (and of each renewal).
     *
     * @param lifetime the lifetime
     * @return this builder
     */
    public Builder lifetime(Duration lifetime) {
      this.lifetime = Objects.requireNonNull(lifetime, "lifetime");
      return this;
    }

    /**
     * Makes credentials renewable until {@code maxTtl} after their first issue.
     *
     * @param maxTtl the maximum time to live; positive
     * @return this builder
     */
    public Builder renewableUpTo(Duration maxTtl) {
      this.maxTtl = Objects.requireNonNull(maxTtl, "maxTtl");
      return this;
    }

    /**
     * The provider name in audit events.
     *
     * @param provider the provider name in audit events
     * @return this builder
     */
    public Builder provider(String provider) {
      this.provider = Objects.requireNonNull(provider, "provider");
      return this;
    }

    /**
     * The prefix of every secret value (use a canary to test for leaks).
     *
     * @param prefix the prefix of every secret value (use a canary to test for leaks)
     * @return this builder
     */
    public Builder secretPrefix(String prefix) {
      this.secretPrefix = Objects.requireNonNull(prefix, "prefix");
      return this;
    }

    /**
     * Builds the issuer.
     *
     * @return the new {@code FakeIssuer}
     */
    public FakeIssuer build() {
      return new FakeIssuer(this);
    }
  }
}
