package dev.ephemera.vault.internal;

import dev.ephemera.core.spi.CredentialIssuer;
import dev.ephemera.core.spi.IssuerInfo;
import dev.ephemera.vault.VaultLogin;
import dev.ephemera.vault.VaultToken;
import io.github.jopenlibs.vault.api.Auth;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Vault tokens for the refresh engine: {@link #issue()} logs in, {@link #renew} is {@code
 * renew-self} (the engine replaces a renewal capped too short by a new login), {@link #revoke} is
 * {@code revoke-self} authenticated with the token being revoked, so a superseded token revokes
 * itself.
 */
public final class TokenIssuer implements CredentialIssuer<VaultToken> {
  private static final String RENEW = "auth/token/renew-self";
  private static final String REVOKE = "auth/token/revoke-self";

  private final VaultTransport transport;
  private final Authenticator authenticator;
  private final Clock clock;
  private final @Nullable Duration increment;

  /**
   * An issuer that logs in as {@code login} says.
   *
   * @param increment the TTL asked of renew-self, or {@code null} to let Vault apply the role's
   */
  public static TokenIssuer forLogin(
      VaultTransport transport, VaultLogin login, Clock clock, @Nullable Duration increment) {
    return new TokenIssuer(transport, authenticator(login, transport), clock, increment);
  }

  private static Authenticator authenticator(VaultLogin login, VaultTransport transport) {
    return switch (login.method()) {
      case KUBERNETES, JWT ->
          new JwtAuthenticator(
              transport,
              login.method() == VaultLogin.Method.KUBERNETES,
              login.mount(),
              login.role().orElse(null),
              login.file(),
              login.fileSetting());
      case APPROLE ->
          new AppRoleAuthenticator(
              transport,
              login.mount(),
              login.roleId().orElseThrow(),
              login.file(),
              login.fileSetting(),
              login.wrapped());
    };
  }

  private TokenIssuer(
      VaultTransport transport,
      Authenticator authenticator,
      Clock clock,
      @Nullable Duration increment) {
    this.transport = transport;
    this.authenticator = authenticator;
    this.clock = clock;
    this.increment = increment;
  }

  @Override
  public VaultToken issue() {
    VaultJson.Auth auth = authenticator.login();
    Instant now = clock.instant();
    return VaultToken.builder()
        .token(auth.clientToken())
        .accessor(auth.accessor())
        .issuedAt(now)
        .expiresAt(now.plusSeconds(auth.leaseDuration()))
        .renewable(auth.renewable())
        .policies(auth.policies())
        .authPath(authenticator.authPath())
        .metadata(auth.metadata())
        .build();
  }

  @Override
  public Optional<VaultToken> renew(VaultToken current) {
    if (!current.renewable()) {
      return Optional.empty();
    }
    long seconds = increment == null ? -1 : increment.toSeconds();
    Reply reply =
        transport.exchange(
            Operation.RENEW_TOKEN,
            RENEW,
            () -> new Auth(transport.config(current.token(), 1, 1)).renewSelf(seconds),
            current.token());
    if (!reply.ok()) {
      throw VaultErrors.failure(Operation.RENEW_TOKEN, RENEW, reply, current.token());
    }
    VaultJson.Auth auth =
        VaultJson.auth(
            VaultJson.root(reply, Operation.RENEW_TOKEN, RENEW), Operation.RENEW_TOKEN, RENEW);
    if (!auth.accessor().equals(current.accessor())) {
      throw VaultErrors.malformed(
          Operation.RENEW_TOKEN, RENEW, "a different token (accessor " + auth.accessor() + ")");
    }
    Instant now = clock.instant();
    return Optional.of(
        current.toBuilder()
            .issuedAt(now)
            .expiresAt(now.plusSeconds(auth.leaseDuration()))
            .renewable(auth.renewable())
            .policies(auth.policies().isEmpty() ? current.policies() : auth.policies())
            .capped(Renewals.capWarning(auth.warnings(), auth.leaseDuration(), increment))
            .build());
  }

  /**
   * Revokes {@code token} with {@code revoke-self}, authenticated by that token. A token Vault no
   * longer accepts (403: it expired or was revoked elsewhere) counts as revoked: it grants nothing.
   */
  @Override
  public boolean revoke(VaultToken token) {
    Reply reply =
        transport.exchange(
            Operation.REVOKE_TOKEN,
            REVOKE,
            () -> {
              new Auth(transport.config(token.token(), 1, 1)).revokeSelf();
              return null;
            },
            token.token());
    if (reply.ok() || reply.status() == 403) {
      return true;
    }
    throw VaultErrors.failure(Operation.REVOKE_TOKEN, REVOKE, reply, token.token());
  }

  @Override
  public IssuerInfo describe() {
    return authenticator.describe();
  }

  @Override
  public String toString() {
    return "TokenIssuer[" + authenticator + "]";
  }
}
