package dev.ephemera.examples.readme;

// README:begin testing-vault
import static org.assertj.core.api.Assertions.assertThat;

import dev.ephemera.core.Environment;
import dev.ephemera.testkit.junit.EmulatorExtension;
import dev.ephemera.testkit.oidc.OidcIssuer;
import dev.ephemera.testkit.oidc.ServiceAccount;
import dev.ephemera.testkit.oidc.TokenFile;
import dev.ephemera.testkit.vault.VaultEmulator;
import dev.ephemera.testkit.vault.VaultRole;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

// README:end testing-vault

// README:begin testing-vault
@ExtendWith(EmulatorExtension.class)
class VaultSnippetTest {
  static final ServiceAccount POD = ServiceAccount.of("shop", "app");

  @Test
  void theDatabaseLoginComesFromALease_andEverythingIsRevokedOnClose(
      VaultEmulator vault, OidcIssuer kubernetes, @TempDir Path dir) throws Exception {
    vault.kubernetesRole(
        VaultRole.builder("app").boundServiceAccount(POD).ttl(Duration.ofHours(1)).build());
    vault.dynamicSecret("database/creds/app", Duration.ofHours(1), Duration.ofHours(3), true);
    vault.putKv("secret", "app/api-key", Map.of("key", "k-123"));
    vault.putKv("secret", "app/db", Map.of("url", "jdbc:postgresql://db/app"));
    TokenFile token = kubernetes.project(dir.resolve("token"), POD, "vault", Duration.ofHours(1));
    List<String> logins = new ArrayList<>();

    var key =
        VaultSnippet.database(
            Environment.of(vault.environment("app", token)), (user, password) -> logins.add(user));

    assertThat(key).hasValueSatisfying(s -> assertThat(s.get("key")).isPresent());
    assertThat(logins).isNotEmpty().allSatisfy(u -> assertThat(u).isNotBlank());
    assertThat(vault.liveLeases()).isEmpty();
    assertThat(vault.liveTokens()).isEmpty();
  }
}
// README:end testing-vault
