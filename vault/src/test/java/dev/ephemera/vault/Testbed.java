package dev.ephemera.vault;

import dev.ephemera.core.refresh.RefreshPolicy;
import dev.ephemera.core.spi.http.EndpointPolicy;
import dev.ephemera.testkit.RecordingAuditListener;
import dev.ephemera.testkit.emulator.JournalEntry;
import dev.ephemera.testkit.oidc.OidcIssuer;
import dev.ephemera.testkit.oidc.ServiceAccount;
import dev.ephemera.testkit.oidc.TokenFile;
import dev.ephemera.testkit.time.VirtualTime;
import dev.ephemera.testkit.vault.VaultEmulator;
import dev.ephemera.testkit.vault.VaultRole;
import dev.ephemera.vault.internal.Tls;
import dev.ephemera.vault.internal.TokenIssuer;
import dev.ephemera.vault.internal.VaultTransport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * A Vault emulator trusting an OIDC issuer, a projected token file, all on virtual time: the
 * emulator and the issuer on {@link VirtualTime#upstreamClock()}, the credentials on {@code time}.
 */
final class Testbed implements AutoCloseable {
  static final ServiceAccount SA = ServiceAccount.of("payments", "api");
  static final String ROLE = "payments";
  static final String DB = "database/creds/payments";

  final VirtualTime time;
  final OidcIssuer oidc;
  final VaultEmulator vault;
  final TokenFile tokenFile;
  final RecordingAuditListener audit = new RecordingAuditListener();

  Testbed(Path dir, Duration ttl, Duration maxTtl) {
    this(VirtualTime.create(), dir, ttl, maxTtl);
  }

  Testbed(VirtualTime time, Path dir, Duration ttl, Duration maxTtl) {
    this(
        time, dir, VaultRole.builder(ROLE).boundServiceAccount(SA).ttl(ttl).maxTtl(maxTtl).build());
  }

  Testbed(VirtualTime time, Path dir, VaultRole role) {
    this.time = time;
    oidc = OidcIssuer.start(time.upstreamClock());
    vault = VaultEmulator.builder(time.upstreamClock()).oidc(oidc).start();
    vault.kubernetesRole(role);
    tokenFile = oidc.project(dir.resolve("token"), SA, "vault", Duration.ofDays(2));
  }

  VaultCredentials.Builder credentials() {
    return VaultCredentials.builder()
        .address(vault.address())
        .login(VaultLogin.kubernetes(ROLE, tokenFile.path()))
        .timebase(time)
        .auditListener(audit)
        .readTimeout(Duration.ofSeconds(5))
        .refreshPolicy(RefreshPolicy.defaults())
        .prefetch(false);
  }

  VaultTransport transport() {
    return transport(vault.address(), Duration.ofSeconds(5));
  }

  VaultTransport transport(String address, Duration readTimeout) {
    return new VaultTransport(
        address,
        null,
        Tls.platform(),
        Duration.ofSeconds(2),
        readTimeout,
        time.clock(),
        EndpointPolicy.loopbackOnly());
  }

  TokenIssuer tokenIssuer() {
    return tokenIssuer(transport(), VaultLogin.kubernetes(ROLE, tokenFile.path()));
  }

  TokenIssuer tokenIssuer(VaultTransport transport, VaultLogin login) {
    return TokenIssuer.forLogin(transport, login, time.clock(), null);
  }

  int count(Predicate<JournalEntry> which) {
    return vault.journal().count(which);
  }

  int calls(String pathSuffix) {
    return count(e -> e.request().path().endsWith(pathSuffix));
  }

  static SplittableRandom random() {
    return new SplittableRandom(7);
  }

  @Override
  public void close() {
    vault.close();
    oidc.close();
  }
}
