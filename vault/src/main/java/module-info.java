/**
 * Ephemera for HashiCorp Vault: Kubernetes, JWT and AppRole login, token renewal, dynamic-secret
 * leases and audited KV reads, on the Vault Java Driver. Exports the API package only.
 */
module dev.ephemera.vault {
  requires transitive dev.ephemera.core;
  requires transitive vault.java.driver;
  requires com.github.benmanes.caffeine;
  requires org.slf4j;
  requires java.net.http;
  requires static org.jspecify;

  exports dev.ephemera.vault;
}
