package dev.ephemera.vault.internal;

import dev.ephemera.core.CredentialSource;
import dev.ephemera.core.CredentialUnavailableException;
import dev.ephemera.core.CredentialUnavailableException.Reason;
import dev.ephemera.core.spi.CredentialIssuer;
import dev.ephemera.core.spi.IssuerInfo;
import dev.ephemera.vault.VaultLease;
import dev.ephemera.vault.VaultToken;
import io.github.jopenlibs.vault.api.Logical;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Dynamic secrets for the refresh engine: {@link #issue()} reads the secret path (a new lease),
 * {@link #renew} is {@code sys/leases/renew}, {@link #revoke} is {@code sys/leases/revoke}. Every
 * call authenticates with the token source's current token, so the lease source follows token
 * rotation.
 */
public final class LeaseIssuer implements CredentialIssuer<VaultLease> {
  private static final String RENEW = "sys/leases/renew";
  private static final String REVOKE = "sys/leases/revoke";

  private final VaultTransport transport;
  private final CredentialSource<VaultToken> tokens;
  private final String path;
  private final Clock clock;
  private final @Nullable Duration increment;
  private final Supplier<IssuerInfo> tokenInfo;
  private final String target;

  /**
   * An issuer.
   *
   * @param path the secret path, e.g. {@code database/creds/app}
   * @param increment the TTL asked of each renewal, or {@code null} for the engine's default
   * @param tokenInfo the token issuer's audit fields (their principal is this issuer's)
   */
  public LeaseIssuer(
      VaultTransport transport,
      CredentialSource<VaultToken> tokens,
      String path,
      Clock clock,
      @Nullable Duration increment,
      Supplier<IssuerInfo> tokenInfo) {
    this.transport = transport;
    this.tokens = tokens;
    this.path = path;
    this.clock = clock;
    this.increment = increment;
    this.tokenInfo = tokenInfo;
    String ns = transport.namespace() == null ? "" : transport.namespace();
    this.target = ns + path;
  }

  @Override
  public VaultLease issue() {
    VaultToken token = tokens.get();
    Reply reply =
        transport.exchange(
            Operation.READ_SECRET,
            path,
            () -> new Logical(transport.config(token.token(), 1, 1)).read(path),
            token.token());
    if (!reply.ok()) {
      throw VaultErrors.failure(Operation.READ_SECRET, path, reply, token.token());
    }
    VaultJson.Lease lease =
        VaultJson.lease(
            VaultJson.root(reply, Operation.READ_SECRET, path), Operation.READ_SECRET, path, true);
    Instant now = clock.instant();
    return VaultLease.builder()
        .leaseId(lease.leaseId())
        .path(path)
        .data(lease.data())
        .issuedAt(now)
        .expiresAt(now.plusSeconds(lease.leaseDuration()))
        .renewable(lease.renewable())
        .build();
  }

  @Override
  public Optional<VaultLease> renew(VaultLease current) {
    if (!current.renewable()) {
      return Optional.empty();
    }
    VaultToken token = tokens.get();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("lease_id", current.leaseId());
    if (increment != null) {
      body.put("increment", increment.toSeconds());
    }
    Reply reply =
        transport.exchange(
            Operation.RENEW_LEASE,
            RENEW,
            () -> new Logical(transport.config(token.token(), 1, 1)).write(RENEW, body),
            token.token());
    if (!reply.ok()) {
      throw VaultErrors.failure(Operation.RENEW_LEASE, RENEW, reply, token.token());
    }
    VaultJson.Lease lease =
        VaultJson.lease(
            VaultJson.root(reply, Operation.RENEW_LEASE, RENEW),
            Operation.RENEW_LEASE,
            RENEW,
            false);
    if (!lease.leaseId().equals(current.leaseId())) {
      throw VaultErrors.malformed(
          Operation.RENEW_LEASE, RENEW, "another lease (" + lease.leaseId() + ")");
    }
    Instant now = clock.instant();
    return Optional.of(
        current.toBuilder()
            .issuedAt(now)
            .expiresAt(now.plusSeconds(lease.leaseDuration()))
            .renewable(lease.renewable())
            .capped(Renewals.capWarning(lease.warnings(), lease.leaseDuration(), increment))
            .build());
  }

  /**
   * Revokes the lease with the token held now. Without a valid token (the token source is closed or
   * unavailable) it fails: the lease then ends with its token or its TTL.
   */
  @Override
  public boolean revoke(VaultLease lease) {
    VaultToken token =
        tokens
            .current()
            .orElseThrow(
                () ->
                    new CredentialUnavailableException(
                        Reason.UNAVAILABLE,
                        "no valid Vault token to revoke lease "
                            + lease.leaseId()
                            + " with; it ends with its token or its TTL"));
    Map<String, Object> body = Map.of("lease_id", lease.leaseId());
    Reply reply =
        transport.exchange(
            Operation.REVOKE_LEASE,
            REVOKE,
            () -> new Logical(transport.config(token.token(), 1, 1)).write(REVOKE, body),
            token.token());
    if (reply.ok()) {
      return true;
    }
    throw VaultErrors.failure(Operation.REVOKE_LEASE, REVOKE, reply, token.token());
  }

  @Override
  public IssuerInfo describe() {
    IssuerInfo t = tokenInfo.get();
    return new IssuerInfo("vault-lease", t.principal(), target, "");
  }

  @Override
  public String toString() {
    return "LeaseIssuer[" + target + "]";
  }
}
