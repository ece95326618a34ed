package dev.ephemera.examples.readme;

// README:begin quick-start
import dev.ephemera.core.BearerToken;
import dev.ephemera.core.CredentialSource;
import dev.ephemera.core.CredentialSources;
import dev.ephemera.core.Secret;
import dev.ephemera.core.SourceStatus;
import dev.ephemera.core.audit.Slf4jAuditListener;
import dev.ephemera.core.spi.CredentialIssuer;
import dev.ephemera.core.spi.IssuerInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import java.util.function.Supplier;

// README:end quick-start

/** README's Quick start, as compiled and run by {@link QuickStartTest}. */
final class QuickStart {
  private QuickStart() {}

  // README:begin quick-start
  /** {@code login}: one round trip to your upstream, returning a token valid for an hour. */
  static SourceStatus ordersApi(Supplier<String> login, Consumer<BearerToken> pool) {
    CredentialIssuer<BearerToken> issuer =
        CredentialIssuer.of(
            IssuerInfo.of("orders-api", "svc-orders", "https://orders.example.com"), // audit fields
            () -> {
              Instant now = Instant.now();
              return BearerToken.of(Secret.of(login.get()), now, now.plus(Duration.ofHours(1)));
            });
    try (CredentialSource<BearerToken> source =
        CredentialSources.refreshing(issuer)
            .name("orders-api")
            .auditListener(Slf4jAuditListener.create()) // logs with your SLF4J provider
            .build()) { // first issuance starts now, in the background
      BearerToken token = source.get(); // valid now; no I/O while one is held
      pool.accept(token);
      source.subscribe(pool::accept); // told after every rotation
      BearerToken forUpload = source.get(Duration.ofMinutes(30)); // lasts 30 more minutes at least
      System.out.println("upload token " + forUpload.id() + " expires " + forUpload.expiresAt());
      return source.status(); // state, expiry, next refresh, failures
    } // close(): stop, revoke, forget
  }
  // README:end quick-start
}
