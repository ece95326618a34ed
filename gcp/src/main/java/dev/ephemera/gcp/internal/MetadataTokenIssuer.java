package dev.ephemera.gcp.internal;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.ComputeEngineCredentials;
import com.google.auth.oauth2.IdToken;
import com.google.auth.oauth2.IdTokenProvider;
import dev.ephemera.core.BearerToken;
import dev.ephemera.core.spi.CredentialIssuer;
import dev.ephemera.core.spi.IssueResult;
import dev.ephemera.core.spi.IssuerInfo;
import dev.ephemera.core.spi.http.WireRecorder;
import dev.ephemera.gcp.internal.GoogleErrors.Upstream;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Access tokens (or, with an audience, ID tokens) from the metadata server: one library call per
 * issuance. The server hands back its cached token with a shrinking {@code expires_in}; the token
 * is dated from the moment it was received, so the engine schedules from the lifetime actually left
 * and sees the same token again as a renewal (same fingerprint id), not a rotation.
 *
 * <p>An ID token's {@code exp} is absolute, stamped on the server's clock: it is dated by the
 * server's HTTP {@code Date}, passed on as {@link IssueResult#upstreamTime()}, so a local wall
 * clock that is off neither stops the source nor stretches the token. An access token's {@code
 * expires_in} is a duration and needs no such dating.
 */
public final class MetadataTokenIssuer implements CredentialIssuer<BearerToken> {
  private static final String FLAVOR = "Metadata-Flavor";

  private final MetadataServer server;
  private final ComputeEngineCredentials credentials;
  private final List<String> scopes;
  private final String scope;
  private final @Nullable String audience;
  private final Clock clock;
  private volatile @Nullable String email;

  private MetadataTokenIssuer(
      MetadataServer server, List<String> scopes, @Nullable String audience, Clock clock) {
    this.server = server;
    this.scopes = List.copyOf(scopes);
    this.scope = String.join(" ", scopes);
    this.audience = audience;
    this.clock = clock;
    this.credentials = server.credentials(this.scopes);
  }

  /** Access tokens for {@code scopes} (empty: the server's default scopes). */
  public static MetadataTokenIssuer accessTokens(
      MetadataServer server, List<String> scopes, Clock clock) {
    return new MetadataTokenIssuer(server, scopes, null, clock);
  }

  /** ID tokens for {@code audience}. */
  public static MetadataTokenIssuer idTokens(MetadataServer server, String audience, Clock clock) {
    return new MetadataTokenIssuer(server, List.of(), audience, clock);
  }

  @Override
  public BearerToken issue() {
    return issueResult().credential();
  }

  @Override
  public IssueResult<BearerToken> issueResult() {
    String what = audience == null ? "an access token" : "an ID token for " + audience;
    WireRecorder.Exchange exchange = server.http().open();
    try (exchange) {
      IssueResult<BearerToken> token;
      if (audience == null) {
        AccessToken at = credentials.refreshAccessToken();
        long wallAfter = System.currentTimeMillis();
        checkFlavor(exchange);
        Instant now = clock.instant();
        Duration left = Tokens.relativeLifetime(at, wallAfter, "the metadata server's token");
        token =
            IssueResult.of(
                Tokens.bearer(
                    at.getTokenValue(), now, now.plus(left), scope, "the metadata server's token"));
      } else {
        IdToken id = credentials.idTokenWithAudience(audience, List.<IdTokenProvider.Option>of());
        checkFlavor(exchange);
        Instant upstreamTime = exchange.upstreamTime().orElse(null);
        Instant now = upstreamTime != null ? upstreamTime : clock.instant();
        token =
            IssueResult.of(Tokens.idToken(id, now, audience, "the metadata server's ID token"))
                .withUpstreamTime(upstreamTime);
      }
      resolveEmail();
      return token;
    } catch (IOException | RuntimeException e) {
      throw GoogleErrors.classify(Upstream.METADATA, what, exchange, e, clock.instant());
    }
  }

  private static void checkFlavor(WireRecorder.Exchange exchange) {
    if (!exchange.header(FLAVOR).filter("Google"::equals).isPresent()) {
      throw GoogleErrors.notMetadataServer(exchange);
    }
  }

  /** The service account's email, once, for audit; a failure leaves it unknown until next time. */
  private void resolveEmail() {
    if (email != null) {
      return;
    }
    WireRecorder.Exchange exchange = server.http().open();
    try {
      String account = credentials.getAccount();
      if (account != null && !account.isBlank()) {
        email = account.strip();
      }
    } catch (RuntimeException e) {
      // audit shows "default" until the email can be read
    } finally {
      exchange.close();
    }
  }

  @Override
  public IssuerInfo describe() {
    String who = email != null ? email : "default";
    return audience == null
        ? new IssuerInfo("gcp-metadata", who, who, scope)
        : new IssuerInfo("gcp-metadata-id-token", who, audience, "");
  }

  @Override
  public String toString() {
    return "MetadataTokenIssuer[" + server.origin() + ", " + describe() + "]";
  }
}
