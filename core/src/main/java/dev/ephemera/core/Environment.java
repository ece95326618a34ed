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

  /**
   * {@return the raw value of a variable, or empty when unset}
   *
   * @param name the name
   */
  Optional<String> raw(String name);

  /**
   * {@return the value of a variable, or empty when unset or blank; surrounding blanks are trimmed}
   *
   * @param name the name
   */
  default Optional<String> get(String name) {
    return raw(name).map(String::strip).filter(v -> !v.isEmpty());
  }

  /**
   * {@return the value of a required variable}
   *
   * @param name the name
   * @throws CredentialConfigurationException naming the variable if it is unset or blank
   */
  default String require(String name) {
    return get(name)
        .orElseThrow(() -> new CredentialConfigurationException(name, "is not set or is blank"));
  }

  /** {@return the process environment} */
  static Environment system() {
    return name -> Optional.ofNullable(System.getenv(name));
  }

  /**
   * {@return a fixed environment, for tests and explicit configuration}
   *
   * @param variables the variables
   */
  static Environment of(Map<String, String> variables) {
    Map<String, String> copy = Map.copyOf(variables);
    return name -> Optional.ofNullable(copy.get(Objects.requireNonNull(name, "name")));
  }
}
