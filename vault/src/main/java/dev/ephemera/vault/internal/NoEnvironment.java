package dev.ephemera.vault.internal;

import io.github.jopenlibs.vault.EnvironmentLoader;
import org.jspecify.annotations.Nullable;

/**
 * Stops the Vault driver from reading the process environment or {@code ~/.vault-token} on its own:
 * Ephemera reads configuration once, at its entry point, through an injected environment.
 */
public final class NoEnvironment extends EnvironmentLoader {
  private static final long serialVersionUID = 1L;

  /** The one instance. */
  public static final NoEnvironment INSTANCE = new NoEnvironment();

  private NoEnvironment() {}

  @Override
  public @Nullable String loadVariable(String name) {
    return null;
  }
}
