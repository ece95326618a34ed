package dev.ephemera.core;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where {@code fromEnvironment()} factories read variables. Production code uses {@link #system()};
 * tests pass {@link #of(Map)} so they never touch the real process environment.
 */
@FunctionalInterface
public interface Environment {

  /** The raw value of a variable, or empty when unset. */
  Optional<String> raw(String name);

  /** The value of a variable, or empty when unset or blank; surrounding blanks are trimmed. */
  default Optional<String> get(String name) {
    return raw(name).map(String::strip).filter(v -> !v.isEmpty());
  }

  /**
   * The value of a required variable.
   *
   * @throws CredentialConfigurationException naming the variable if it is unset or blank
   */
  default String require(String name) {
    return get(name)
        .orElseThrow(() -> new CredentialConfigurationException(name, "is not set or is blank"));
  }

  /** The process environment. */
  static Environment system() {
    return name -> Optional.ofNullable(System.getenv(name));
  }

  /** A fixed environment, for tests and explicit configuration. */
  static Environment of(Map<String, String> variables) {
    Map<String, String> copy = Map.copyOf(variables);
    return name -> Optional.ofNullable(copy.get(Objects.requireNonNull(name, "name")));
  }
}
