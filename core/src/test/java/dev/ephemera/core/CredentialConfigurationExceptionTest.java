package dev.ephemera.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class CredentialConfigurationExceptionTest {

  @Test
  void setting_isTheNameTheUserWrote() {
    CredentialConfigurationException e =
        new CredentialConfigurationException("AWS_ROLE_ARN", "is not set");

    assertThat(e.setting()).isEqualTo("AWS_ROLE_ARN");
  }

  @Test
  void message_startsWithTheSettingFollowedByTheProblem() {
    CredentialConfigurationException e =
        new CredentialConfigurationException("roleArn", "is not a valid ARN");

    assertThat(e).hasMessage("roleArn is not a valid ARN").hasNoCause();
  }

  @Test
  void cause_isKeptWhenGiven() {
    IOException cause = new IOException("permission denied");
    CredentialConfigurationException e =
        new CredentialConfigurationException("tokenFile", "cannot be read", cause);

    assertThat(e).hasCause(cause).hasMessage("tokenFile cannot be read");
    assertThat(e.setting()).isEqualTo("tokenFile");
  }

  @Test
  void cause_mayBeNull() {
    CredentialConfigurationException e =
        new CredentialConfigurationException("tokenFile", "is empty", null);

    assertThat(e).hasNoCause();
  }

  @Test
  void setting_isRequired() {
    assertThatThrownBy(() -> new CredentialConfigurationException(nullString(), "is not set"))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("setting");
  }

  @Test
  void isAnUncheckedCredentialException() {
    assertThat(new CredentialConfigurationException("x", "y"))
        .isInstanceOf(CredentialException.class)
        .isInstanceOf(RuntimeException.class);
  }

  @SuppressWarnings("NullAway")
  private static String nullString() {
    return null;
  }
}
