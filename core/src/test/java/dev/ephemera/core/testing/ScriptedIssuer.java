package dev.ephemera.core.testing;

import dev.ephemera.core.BearerToken;
import dev.ephemera.core.Secret;
import dev.ephemera.core.spi.CredentialIssuer;
import dev.ephemera.core.spi.IssuerInfo;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;

/**
 * A test issuer of {@link BearerToken}s {@code fake-1}, {@code fake-2}, ... on a given clock, with
 * a script: failures queued or standing, renewal up to a max TTL, handing back the last token (a
 * metadata server's cache), a hook run on every issuance. Records revocations. Thread-safe.
 */
public final class ScriptedIssuer implements CredentialIssuer<BearerToken> {
  private final Clock clock;
  private volatile Duration lifetime = Duration.ofHours(1);
  private volatile String provider = "fake";
  private volatile String secretPrefix = "fake-secret-";
  private volatile Runnable onIssue = () -> {};
  private volatile boolean repeatLast;
  // Guarded by this.
  private Duration maxTtl = Duration.ZERO; // zero: not renewable
  private final Queue<RuntimeException> next = new ArrayDeque<>();
  private RuntimeException always;
  private final Map<String, Instant> bornAt = new HashMap<>();
  private final List<String> revoked = new ArrayList<>();
  private BearerToken last;
  private int issued;
  private int renewed;

  public ScriptedIssuer(Clock clock) {
    this.clock = clock;
  }

  public ScriptedIssuer lifetime(Duration lifetime) {
    this.lifetime = lifetime;
    return this;
  }

  /** Renewable, each renewal for the lifetime, until {@code maxTtl} after the first issue. */
  public synchronized ScriptedIssuer renewableUpTo(Duration maxTtl) {
    this.maxTtl = maxTtl;
    return this;
  }

  public ScriptedIssuer provider(String provider) {
    this.provider = provider;
    return this;
  }

  public ScriptedIssuer secretPrefix(String prefix) {
    this.secretPrefix = prefix;
    return this;
  }

  /** The next call to issue or renew throws {@code e} (queued in order). */
  public synchronized ScriptedIssuer failNext(RuntimeException e) {
    next.add(e);
    return this;
  }

  /** Every call throws {@code e} until {@link #recover()}. */
  public synchronized ScriptedIssuer failAlways(RuntimeException e) {
    always = e;
    return this;
  }

  public synchronized ScriptedIssuer recover() {
    next.clear();
    always = null;
    return this;
  }

  /** Issuance hands back the last token with its remaining life. */
  public ScriptedIssuer repeatLast(boolean repeat) {
    this.repeatLast = repeat;
    return this;
  }

  /** Runs at the start of every issuance, outside any lock (to block or throw). */
  public ScriptedIssuer onIssue(Runnable hook) {
    this.onIssue = hook;
    return this;
  }

  @Override
  public BearerToken issue() {
    onIssue.run();
    synchronized (this) {
      throwIfScripted();
      Instant now = clock.instant();
      issued++;
      if (repeatLast && last != null) {
        last = token(last.id(), now, last.expiresAt());
      } else {
        last = token("fake-" + issued, now, now.plus(lifetime));
        bornAt.put(last.id(), now);
      }
      return last;
    }
  }

  @Override
  public synchronized java.util.Optional<BearerToken> renew(BearerToken current) {
    if (maxTtl.isZero()) {
      return java.util.Optional.empty();
    }
    throwIfScripted();
    Instant born = bornAt.get(current.id());
    Instant now = clock.instant();
    if (born == null || revoked.contains(current.id())) {
      return java.util.Optional.empty();
    }
    Instant cap = born.plus(maxTtl);
    Instant until = now.plus(lifetime).isAfter(cap) ? cap : now.plus(lifetime);
    if (!until.isAfter(now)) {
      return java.util.Optional.empty();
    }
    renewed++;
    return java.util.Optional.of(token(current.id(), now, until));
  }

  @Override
  public synchronized boolean revoke(BearerToken credential) {
    revoked.add(credential.id());
    return true;
  }

  @Override
  public IssuerInfo describe() {
    return IssuerInfo.of(provider, "test-workload", "test-target");
  }

  /** Issuances that returned a credential. */
  public synchronized int issued() {
    return issued;
  }

  /** Renewals that returned a credential. */
  public synchronized int renewed() {
    return renewed;
  }

  public synchronized List<String> revokedIds() {
    return List.copyOf(revoked);
  }

  private void throwIfScripted() {
    RuntimeException e = next.poll();
    if (e == null) {
      e = always;
    }
    if (e != null) {
      throw e;
    }
  }

  private BearerToken token(String id, Instant issuedAt, Instant expiresAt) {
    return BearerToken.builder()
        .token(Secret.of(secretPrefix + id))
        .id(id)
        .issuedAt(issuedAt)
        .expiresAt(expiresAt)
        .build();
  }
}
