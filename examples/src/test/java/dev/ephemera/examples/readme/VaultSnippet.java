package dev.ephemera.examples.readme;

// README:begin vault
import dev.ephemera.core.CredentialSource;
import dev.ephemera.core.Environment;
import dev.ephemera.vault.VaultCredentials;
import dev.ephemera.vault.VaultLease;
import dev.ephemera.vault.VaultSecret;
import io.github.jopenlibs.vault.Vault;
import io.github.jopenlibs.vault.VaultException;
import java.util.Optional;
import java.util.function.BiConsumer;

// README:end vault

/** README's Vault section, as compiled and run by {@link VaultSnippetTest}. */
final class VaultSnippet {
  private VaultSnippet() {}

  // README:begin vault
  /** {@code pool}: swaps its login to (username, password); {@code env}: Environment.system(). */
  static Optional<VaultSecret> database(Environment env, BiConsumer<String, String> pool)
      throws VaultException { // the driver's calls throw it
    try (VaultCredentials vault = VaultCredentials.fromEnvironment(env)) { // Kubernetes login
      CredentialSource<VaultLease> db = vault.lease("database/creds/app"); // renewed, rotated
      db.subscribe(
          l -> // every value is a Secret: reveal() it only where the driver needs the text
          pool.accept(
                  l.get("username").orElseThrow().reveal(),
                  l.get("password").orElseThrow().reveal()));
      VaultLease creds = db.get();
      pool.accept(
          creds.get("username").orElseThrow().reveal(),
          creds.get("password").orElseThrow().reveal());
      Optional<VaultSecret> key =
          vault.kv("secret").readSecret("app/api-key"); // audited SECRET_READ
      Vault driver = Vault.create(vault.driverConfig(), 2); // existing driver code, KV v2
      driver.logical().read("secret/app/db"); // its token follows every rotation
      return key;
    } // close(): revokes the leases, then the token
  }
  // README:end vault
}
