package dev.ephemera.examples.vault;

import dev.ephemera.core.CredentialSource;
import dev.ephemera.core.Environment;
import dev.ephemera.core.Secret;
import dev.ephemera.vault.VaultCredentials;
import dev.ephemera.vault.VaultLease;
import java.io.PrintStream;

/**
 * A database connection pool fed by a Vault dynamic secret: the pod logs in to Vault with its
 * Kubernetes service-account token, reads {@code database/creds/app} as a lease that Ephemera
 * renews and, when Vault will not extend it further, replaces with a fresh username and password.
 * The pool is told of every new login by a subscription, before the old lease is revoked.
 *
 * <p>Reads {@code VAULT_ADDR}, {@code VAULT_ROLE} and, optionally, {@code VAULT_AUTH_METHOD},
 * {@code VAULT_JWT_FILE}, {@code VAULT_NAMESPACE}, {@code VAULT_CACERT} (see {@link
 * VaultCredentials}), and {@code DB_CREDS_PATH} (default {@code database/creds/app}).
 */
public final class DatabasePoolExample {
  private DatabasePoolExample() {}

  /** Runs the example against the Vault the process environment names. */
  public static void main(String[] args) {
    run(Environment.system(), System.out);
  }

  /**
   * Logs in, feeds a pool, opens a connection; closing {@link VaultCredentials} at the end revokes
   * the lease and the token. Returns the pool.
   */
  static Pool run(Environment env, PrintStream out) {
    String path = env.get("DB_CREDS_PATH").orElse("database/creds/app");
    try (VaultCredentials vault = VaultCredentials.fromEnvironment(env)) {
      Pool pool = connect(vault, path, out);
      Pool.Connection connection = pool.borrow();
      out.println("connected to the database as " + connection.username());
      return pool;
    }
  }

  /** A pool whose login follows the lease at {@code path}. */
  static Pool connect(VaultCredentials vault, String path, PrintStream out) {
    Pool pool = new Pool();
    CredentialSource<VaultLease> lease = vault.lease(path);
    lease.subscribe(
        next -> {
          Pool.Login login = login(next);
          pool.rotate(login);
          out.println("database login rotated to " + login.username());
        });
    pool.rotate(login(lease.get()));
    return pool;
  }

  private static Pool.Login login(VaultLease lease) {
    String username =
        lease.get("username").map(Secret::reveal).orElseThrow(() -> missing(lease, "username"));
    Secret password = lease.get("password").orElseThrow(() -> missing(lease, "password"));
    return new Pool.Login(username, password, lease.issuedAt());
  }

  private static IllegalStateException missing(VaultLease lease, String key) {
    return new IllegalStateException(lease.path() + " returned no " + key);
  }
}
