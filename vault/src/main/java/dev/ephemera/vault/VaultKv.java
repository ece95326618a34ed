package dev.ephemera.vault;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.ephemera.core.CredentialException;
import dev.ephemera.core.CredentialSource;
import dev.ephemera.core.CredentialUnavailableException;
import dev.ephemera.core.audit.AuditError;
import dev.ephemera.core.audit.AuditEvent;
import dev.ephemera.core.audit.AuditEventType;
import dev.ephemera.core.audit.AuditHost;
import dev.ephemera.core.audit.AuditOutcome;
import dev.ephemera.core.audit.AuditPublisher;
import dev.ephemera.core.refresh.Timebase;
import dev.ephemera.core.spi.ErrorText;
import dev.ephemera.core.spi.IssuerInfo;
import dev.ephemera.vault.internal.KvReader;
import dev.ephemera.vault.internal.VaultPaths;
import dev.ephemera.vault.internal.VaultTransport;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Reads secrets from one KV v2 mount with the current Vault token, and audits every read as a
 * {@link AuditEventType#SECRET_READ} event: mount, path, version, who (the workload principal and
 * the token accessor), outcome, whether it came from the cache — never a value.
 *
 * <p>With a cache TTL, found versions are kept in memory (never on disk) for that long, so hot
 * paths do not reach Vault on every read; the read is still audited. Get one from {@link
 * VaultCredentials#kv(String)}. Thread-safe.
 */
public final class VaultKv {
  private record Key(String path, int version) {}

  private final String mount;
  private final VaultTransport transport;
  private final CredentialSource<VaultToken> tokens;
  private final Timebase time;
  private final AuditPublisher audit;
  private final AuditHost host;
  private final String sourceName;
  private final Supplier<IssuerInfo> tokenInfo;
  private final KvReader reader;
  private final @Nullable Cache<Key, VaultSecret> cache;

  VaultKv(
      String mount,
      VaultTransport transport,
      CredentialSource<VaultToken> tokens,
      Timebase time,
      AuditPublisher audit,
      AuditHost host,
      String sourceName,
      Supplier<IssuerInfo> tokenInfo,
      Duration cacheTtl) {
    this.mount = VaultPaths.normalize(mount, "mount");
    this.transport = transport;
    this.tokens = tokens;
    this.time = time;
    this.audit = audit;
    this.host = host;
    this.sourceName = sourceName;
    this.tokenInfo = tokenInfo;
    this.reader = new KvReader(transport, this.mount);
    this.cache =
        cacheTtl.isZero()
            ? null
            : Caffeine.newBuilder()
                .expireAfterWrite(cacheTtl)
                .maximumSize(10_000)
                .ticker(time.ticker()::read)
                .executor(Runnable::run)
                .build();
  }

  /** {@return the mount, e.g. {@code secret}} */
  public String mount() {
    return mount;
  }

  /**
   * The latest version of the secret at {@code path} inside the mount.
   *
   * @param path the path
   * @return empty when there is no such secret or its latest version is deleted
   * @throws CredentialUnavailableException when Vault refuses or fails (typed as for credentials)
   * @throws dev.ephemera.core.CredentialConfigurationException when {@code path} is not a path
   */
  public Optional<VaultSecret> readSecret(String path) {
    return read(VaultPaths.normalize(path, "path"), 0);
  }

  /**
   * One version of the secret at {@code path}.
   *
   * @param path the path
   * @param version the version
   * @return empty when there is no such version or it is deleted
   * @throws IllegalArgumentException if {@code version} is not positive
   */
  public Optional<VaultSecret> readSecret(String path, int version) {
    if (version < 1) {
      throw new IllegalArgumentException("version must be positive: " + version);
    }
    return read(VaultPaths.normalize(path, "path"), version);
  }

  /** Forgets every cached version. */
  public void invalidateCache() {
    if (cache != null) {
      cache.invalidateAll();
    }
  }

  private Optional<VaultSecret> read(String path, int version) {
    long start = time.ticker().read();
    Key key = new Key(path, version);
    if (cache != null) {
      VaultSecret hit = cache.getIfPresent(key);
      if (hit != null) {
        publish(
            AuditOutcome.SUCCESS,
            path,
            hit.version(),
            tokens.current().orElse(null),
            true,
            true,
            start,
            null);
        return Optional.of(hit);
      }
    }
    VaultToken token = null;
    try {
      VaultToken t = tokens.get();
      token = t;
      Optional<VaultSecret> found = reader.read(t, path, version);
      if (found.isEmpty()) {
        publish(AuditOutcome.SUCCESS, path, version, t, false, false, start, null);
        return found;
      }
      VaultSecret secret = found.get();
      if (cache != null) {
        cache.put(key, secret);
        cache.put(new Key(path, secret.version()), secret);
      }
      publish(AuditOutcome.SUCCESS, path, secret.version(), t, true, false, start, null);
      return found;
    } catch (CredentialException e) {
      publish(AuditOutcome.FAILURE, path, version, token, false, false, start, e);
      throw e;
    }
  }

  private void publish(
      AuditOutcome outcome,
      String path,
      int version,
      @Nullable VaultToken token,
      boolean found,
      boolean cached,
      long start,
      @Nullable CredentialException error) {
    if (!audit.active()) {
      return;
    }
    IssuerInfo info = tokenInfo.get();
    String ns = transport.namespace() == null ? "" : transport.namespace();
    AuditEvent.Builder e =
        AuditEvent.builder(AuditEventType.SECRET_READ, outcome)
            .time(time.clock().instant())
            .source(sourceName)
            .issuer(new IssuerInfo("vault-kv", info.principal(), ns + mount + "/" + path, ""))
            .host(host)
            .latency(Duration.ofNanos(Math.max(0, time.ticker().read() - start)));
    if (token != null) {
      e.credential(token);
    }
    e.attribute("mount", mount)
        .attribute("path", path)
        .attribute("version", version == 0 ? "latest" : Integer.toString(version))
        .attribute("found", Boolean.toString(found))
        .attribute("cached", Boolean.toString(cached));
    if (error != null) {
      String reason =
          error instanceof CredentialUnavailableException c ? c.reason().name() : "CONFIGURATION";
      boolean terminal = !(error instanceof CredentialUnavailableException c) || c.isTerminal();
      e.error(
          new AuditError(
              error.getClass().getSimpleName(),
              reason,
              terminal,
              ErrorText.sanitize(error.getMessage())));
    }
    audit.publish(e.build());
  }

  @Override
  public String toString() {
    return "VaultKv[" + mount + (cache == null ? "" : ", cached") + "]";
  }
}
