package dev.ephemera.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EnvironmentTest {

  @Test
  void raw_returnsTheValueUntouched() {
    Environment env = Environment.of(Map.of("A", "  padded  "));

    assertThat(env.raw("A")).contains("  padded  ");
    assertThat(env.raw("B")).isEmpty();
  }

  @Test
  void get_trimsSurroundingBlanks() {
    Environment env = Environment.of(Map.of("ROLE", " \t arn:aws:iam::123456789012:role/r \n"));

    assertThat(env.get("ROLE")).contains("arn:aws:iam::123456789012:role/r");
  }

  @Test
  void get_treatsBlankAsUnset() {
    Environment env = Environment.of(Map.of("EMPTY", "", "BLANK", " \t\n "));

    assertThat(env.get("EMPTY")).isEmpty();
    assertThat(env.get("BLANK")).isEmpty();
    assertThat(env.get("UNSET")).isEmpty();
  }

  @Test
  void get_keepsInnerBlanks() {
    Environment env = Environment.of(Map.of("SCOPE", " read  write "));

    assertThat(env.get("SCOPE")).contains("read  write");
  }

  @Test
  void require_returnsTheTrimmedValue() {
    Environment env = Environment.of(Map.of("AWS_ROLE_ARN", " arn "));

    assertThat(env.require("AWS_ROLE_ARN")).isEqualTo("arn");
  }

  @Test
  void require_throwsNamingTheUnsetVariable() {
    Environment env = Environment.of(Map.of());

    assertThatThrownBy(() -> env.require("AWS_WEB_IDENTITY_TOKEN_FILE"))
        .isInstanceOfSatisfying(
            CredentialConfigurationException.class,
            e -> assertThat(e.setting()).isEqualTo("AWS_WEB_IDENTITY_TOKEN_FILE"))
        .hasMessageStartingWith("AWS_WEB_IDENTITY_TOKEN_FILE ");
  }

  @Test
  void require_throwsNamingTheBlankVariable() {
    Environment env = Environment.of(Map.of("VAULT_ROLE", "   "));

    assertThatThrownBy(() -> env.require("VAULT_ROLE"))
        .isInstanceOfSatisfying(
            CredentialConfigurationException.class,
            e -> assertThat(e.setting()).isEqualTo("VAULT_ROLE"))
        .hasMessageContaining("VAULT_ROLE");
  }

  @Test
  void of_copiesTheMapSoLaterChangesAreNotSeen() {
    Map<String, String> variables = new HashMap<>();
    variables.put("A", "1");
    Environment env = Environment.of(variables);

    variables.put("A", "2");
    variables.put("B", "3");

    assertThat(env.get("A")).contains("1");
    assertThat(env.get("B")).isEmpty();
  }

  @Test
  void of_rejectsANullName() {
    Environment env = Environment.of(Map.of("A", "1"));

    assertThatThrownBy(() -> env.raw(nullString())).isInstanceOf(NullPointerException.class);
  }

  @Test
  void lambda_getsTheDefaultMethods() {
    Environment env = name -> name.equals("X") ? Optional.of(" x ") : Optional.empty();

    assertThat(env.get("X")).contains("x");
    assertThat(env.require("X")).isEqualTo("x");
    assertThatThrownBy(() -> env.require("Y")).isInstanceOf(CredentialConfigurationException.class);
  }

  @Test
  void system_readsTheProcessEnvironment() {
    Environment env = Environment.system();
    // PATH is set for every build; an unlikely name is unset.
    assertThat(env.raw("PATH")).isEqualTo(Optional.ofNullable(System.getenv("PATH")));
    assertThat(env.raw("EPHEMERA_SURELY_UNSET_" + System.nanoTime())).isEmpty();
  }

  @SuppressWarnings("NullAway")
  private static String nullString() {
    return null;
  }
}
