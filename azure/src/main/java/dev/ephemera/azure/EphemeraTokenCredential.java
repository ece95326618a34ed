package dev.ephemera.azure;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.core.exception.ClientAuthenticationException;
import dev.ephemera.core.BearerToken;
import dev.ephemera.core.CredentialConfigurationException;
import dev.ephemera.core.CredentialException;
import dev.ephemera.core.CredentialSource;
import dev.ephemera.core.CredentialUnavailableException;
import dev.ephemera.core.CredentialUnavailableException.Reason;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * azure-core's {@link TokenCredential} over Ephemera: hand it to any Azure SDK client builder's
 * {@code credential(...)} and that client uses tokens Ephemera keeps fresh.
 *
 * <pre>{@code
 * BlobServiceClient blobs = new BlobServiceClientBuilder()
 *     .endpoint("https://myaccount.blob.core.windows.net")
 *     .credential(identity.tokenCredential())
 *     .buildClient();
 * }</pre>
 *
 * <p>The request's scopes name the source (one source per scope, each refreshed on its own
 * schedule). A held token costs a map lookup, one volatile read and an identity comparison: the
 * {@link AccessToken} (and the {@link Mono} {@link #getToken} returns) is built once per rotation,
 * with {@code refreshAt} set to the moment the source plans its next refresh, so azure-core's own
 * token cache comes back for the new token as soon as it exists. A request carrying claims (a
 * continuous-access-evaluation challenge: the token was revoked) invalidates the held token and
 * waits for a new one; the claims themselves are not forwarded to Entra.
 *
 * <p>Failures are azure-core's {@link ClientAuthenticationException} with Ephemera's {@link
 * CredentialUnavailableException} (its reason, terminal or not) as the cause; configuration
 * failures are azure-identity's {@link com.azure.identity.CredentialUnavailableException}, so a
 * {@code ChainedTokenCredential} moves on to its next credential.
 */
public final class EphemeraTokenCredential implements TokenCredential {
  private final Function<String, CredentialSource<BearerToken>> sources;
  private final String tenantId;
  private final ConcurrentHashMap<String, Slot> slots = new ConcurrentHashMap<>();

  EphemeraTokenCredential(
      Function<String, CredentialSource<BearerToken>> sources, String tenantId) {
    this.sources = Objects.requireNonNull(sources, "sources");
    this.tenantId = Objects.requireNonNull(tenantId, "tenantId");
  }

  @Override
  public AccessToken getTokenSync(TokenRequestContext request) {
    try {
      Slot slot = slot(request);
      return request.getClaims() == null ? slot.token() : slot.replaceToken();
    } catch (CredentialException e) {
      throw translate(e);
    }
  }

  @Override
  public Mono<AccessToken> getToken(TokenRequestContext request) {
    Slot slot;
    try {
      slot = slot(request);
    } catch (CredentialException e) {
      return Mono.error(translate(e));
    } catch (RuntimeException e) {
      return Mono.error(e);
    }
    if (request.getClaims() == null) {
      Mono<AccessToken> held = slot.heldMono();
      if (held != null) {
        return held;
      }
    }
    boolean replace = request.getClaims() != null;
    return Mono.defer(() -> Mono.fromFuture(slot.tokenAsync(replace)))
        .onErrorMap(CompletionException.class, e -> e.getCause() == null ? e : e.getCause())
        .onErrorMap(CredentialException.class, EphemeraTokenCredential::translate);
  }

  /** Drops every held {@link AccessToken}; called when the identity closes. */
  void clear() {
    slots.clear();
  }

  private Slot slot(TokenRequestContext request) {
    String requestedTenant = request.getTenantId();
    if (requestedTenant != null && !requestedTenant.equalsIgnoreCase(tenantId)) {
      throw new ClientAuthenticationException(
          "this credential is for tenant "
              + tenantId
              + " and cannot get a token for tenant "
              + requestedTenant,
          null);
    }
    List<String> scopes = request.getScopes();
    String key;
    if (scopes.size() == 1) {
      key = scopes.get(0);
    } else if (scopes.isEmpty()) {
      throw new CredentialConfigurationException(
          "TokenRequestContext.scopes",
          "is empty: name one scope, e.g. https://storage.azure.com/.default");
    } else {
      key = String.join(" ", scopes);
    }
    Slot slot = slots.get(key);
    if (slot == null) {
      // built outside the map: making a source may start its first issuance
      Slot fresh = new Slot(key);
      slot = slots.putIfAbsent(key, fresh);
      if (slot == null) {
        slot = fresh;
      }
    }
    return slot;
  }

  private static RuntimeException translate(CredentialException e) {
    boolean configuration =
        e instanceof CredentialConfigurationException
            || (e instanceof CredentialUnavailableException u
                && u.reason() == Reason.CONFIGURATION);
    String message = "Ephemera could not get an Entra ID token: " + e.getMessage();
    return configuration
        ? new com.azure.identity.CredentialUnavailableException(message, e)
        : new ClientAuthenticationException(message, null, e);
  }

  /** The AccessToken built for one credential. */
  private record Minted(BearerToken credential, AccessToken token, Mono<AccessToken> mono) {}

  /** One scope: its source and the AccessToken built for the credential it last served. */
  private final class Slot {
    private final String scope;
    private final ReentrantLock reopening = new ReentrantLock();
    private volatile CredentialSource<BearerToken> source;
    private volatile @Nullable Minted minted;

    Slot(String scope) {
      this.scope = scope;
      this.source = sources.apply(scope);
    }

    AccessToken token() {
      CredentialSource<BearerToken> s = source;
      BearerToken c;
      try {
        c = s.get();
      } catch (CredentialUnavailableException e) {
        if (e.reason() != Reason.CLOSED) {
          throw e;
        }
        s = reopen(s);
        c = s.get();
      }
      Minted m = minted;
      return m != null && m.credential() == c ? m.token() : mint(s, c).token();
    }

    AccessToken replaceToken() {
      CredentialSource<BearerToken> s = source;
      BearerToken old = s.current().orElse(null);
      s.invalidate();
      BearerToken c = s.get();
      if (c == old) {
        throw new CredentialUnavailableException(
            Reason.UNAVAILABLE, "the token for " + scope + " was challenged and not replaced");
      }
      return mint(s, c).token();
    }

    @Nullable Mono<AccessToken> heldMono() {
      Minted m = minted;
      if (m == null) {
        return null;
      }
      Optional<BearerToken> held = source.current();
      return held.isPresent() && held.get() == m.credential() ? m.mono() : null;
    }

    CompletableFuture<AccessToken> tokenAsync(boolean replace) {
      CredentialSource<BearerToken> s = source;
      CompletableFuture<BearerToken> next = replace ? s.invalidate() : s.getAsync();
      return next.handle(
              (c, error) -> {
                if (error == null) {
                  return CompletableFuture.completedFuture(mint(s, c).token());
                }
                Throwable cause =
                    error instanceof CompletionException && error.getCause() != null
                        ? error.getCause()
                        : error;
                if (cause instanceof CredentialUnavailableException u
                    && u.reason() == Reason.CLOSED) {
                  CredentialSource<BearerToken> fresh = reopen(s);
                  return fresh.getAsync().thenApply(f -> mint(fresh, f).token());
                }
                return CompletableFuture.<AccessToken>failedFuture(cause);
              })
          .thenCompose(Function.identity());
    }

    /**
     * The source was closed (idle eviction): take the scope's current one. A lock, not a monitor:
     * making the source may run its first issuance on this thread (a timebase whose workers run
     * inline), and a virtual thread must not pin its carrier across that I/O.
     */
    private CredentialSource<BearerToken> reopen(CredentialSource<BearerToken> closed) {
      reopening.lock();
      try {
        if (source == closed) {
          minted = null;
          source = sources.apply(scope);
        }
        return source;
      } finally {
        reopening.unlock();
      }
    }

    /** Builds the AccessToken for a newly served credential (once per rotation). */
    private Minted mint(CredentialSource<BearerToken> s, BearerToken c) {
      Instant refresh = s.status().nextRefreshAt();
      OffsetDateTime expiresAt = c.expiresAt().atOffset(ZoneOffset.UTC);
      OffsetDateTime refreshAt =
          refresh != null && refresh.isBefore(c.expiresAt())
              ? refresh.atOffset(ZoneOffset.UTC)
              : null;
      AccessToken token = new AccessToken(c.token().reveal(), expiresAt, refreshAt, "Bearer");
      Minted m = new Minted(c, token, Mono.just(token));
      minted = m;
      // tell the scope map this scope is in use (the fast path above bypasses it)
      var unused = sources.apply(scope);
      return m;
    }
  }
}
