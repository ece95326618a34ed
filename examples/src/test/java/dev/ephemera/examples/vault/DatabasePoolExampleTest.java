package dev.ephemera.examples.vault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ephemera.core.Environment;
import dev.ephemera.testkit.oidc.OidcIssuer;
import dev.ephemera.testkit.oidc.ServiceAccount;
import dev.ephemera.testkit.oidc.TokenFile;
import dev.ephemera.testkit.time.VirtualTime;
import dev.ephemera.testkit.vault.Ending;
import dev.ephemera.testkit.vault.LeaseState;
import dev.ephemera.testkit.vault.VaultEmulator;
import dev.ephemera.testkit.vault.VaultRole;
import dev.ephemera.vault.VaultCredentials;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabasePoolExampleTest {
  private static final ServiceAccount APP = ServiceAccount.of("shop", "app");
  private static final String PATH = "database/creds/app";

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  /** Vault with Kubernetes auth trusting the pod, and a database secrets engine. */
  private static VaultEmulator vault(Clock clock, OidcIssuer oidc) {
    VaultEmulator vault = VaultEmulator.builder(clock).oidc(oidc).start();
    vault.kubernetesRole(
        VaultRole.builder("app")
            .boundServiceAccount(APP)
            .ttl(Duration.ofHours(1))
            .maxTtl(Duration.ofHours(24))
            .build());
    vault.dynamicSecret(PATH, Duration.ofHours(1), Duration.ofHours(3), true);
    return vault;
  }

  private static Environment pod(VaultEmulator vault, TokenFile jwt) {
    return Environment.of(
        Map.of(
            "VAULT_ADDR", vault.address(),
            "VAULT_ROLE", "app",
            "VAULT_JWT_FILE", jwt.path().toString()));
  }

  @Test
  void thePoolConnects_withTheLeasesLogin_andTheLeaseIsRevokedWhenTheAppStops(@TempDir Path dir) {
    try (OidcIssuer oidc = OidcIssuer.start(Clock.systemUTC());
        VaultEmulator vault = vault(Clock.systemUTC(), oidc)) {
      TokenFile jwt = oidc.project(dir.resolve("token"), APP, "vault", Duration.ofHours(1));

      Pool pool = DatabasePoolExample.run(pod(vault, jwt), out);

      assertThat(pool.logins()).hasSize(1);
      Pool.Login login = pool.logins().get(0);
      assertThat(login.username()).startsWith("v-");
      assertThat(login.password().length()).isPositive();
      assertThat(bytes.toString(StandardCharsets.UTF_8))
          .contains("connected to the database as " + login.username())
          .doesNotContain(login.password().reveal());
      assertThat(vault.leases())
          .singleElement()
          .satisfies(
              l -> {
                assertThat(l.path()).isEqualTo(PATH);
                assertThat(l.ending()).isEqualTo(Ending.REVOKED);
              });
    }
  }

  @Test
  void whenVaultWillNotExtendTheLease_thePoolMovesToANewLogin_andTheOldLeaseIsRevoked(
      @TempDir Path dir) {
    VirtualTime time = VirtualTime.create();
    try (OidcIssuer oidc = OidcIssuer.start(time.clock());
        VaultEmulator vault = vault(time.clock(), oidc)) {
      TokenFile jwt = oidc.project(dir.resolve("token"), APP, "vault", Duration.ofDays(2));
      try (VaultCredentials credentials =
          VaultCredentials.builder().environment(pod(vault, jwt)).timebase(time).build()) {
        Pool pool = DatabasePoolExample.connect(credentials, PATH, out);
        Pool.Connection first = pool.borrow();
        String firstLease = vault.liveLeases().get(0).leaseId();

        time.advance(Duration.ofHours(2)); // renewed at 2/3 of each hour, capped at the 3 h max
        assertThat(pool.logins()).hasSize(1);
        assertThat(vault.lease(firstLease).orElseThrow().renewals()).isPositive();

        time.advance(Duration.ofHours(1)); // the max TTL: a new lease, a new login
        assertThat(pool.logins()).hasSize(2);
        Pool.Connection second = pool.borrow();
        assertThat(second.username()).isNotEqualTo(first.username());
        assertThat(pool.isStale(first)).isTrue();
        assertThat(pool.isStale(second)).isFalse();
        assertThat(bytes.toString(StandardCharsets.UTF_8))
            .contains("database login rotated to " + second.username());

        time.advance(Duration.ofMinutes(10)); // past the revoke grace
        assertThat(vault.lease(firstLease).map(LeaseState::ending)).hasValue(Ending.REVOKED);
        assertThat(vault.liveLeases()).hasSize(1);
      }
    }
  }
}
