package dev.ephemera.testkit.vault;

/** The auth methods a mount of {@link VaultLogins} can be (PROTOCOLS.md §4.2). */
enum AuthMethod {
  KUBERNETES,
  JWT,
  APPROLE
}
