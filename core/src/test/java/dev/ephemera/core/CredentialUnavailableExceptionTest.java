package dev.ephemera.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ephemera.core.CredentialUnavailableException.Reason;
import java.io.IOException;
import java.time.Duration;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CredentialUnavailableExceptionTest {

  @Test
  void reasons_configurationRejectedAndClosedAreTerminal() {
    assertThat(EnumSet.allOf(Reason.class))
        .filteredOn(Reason::isTerminal)
        .containsExactlyInAnyOrder(Reason.CONFIGURATION, Reason.REJECTED, Reason.CLOSED);
  }

  @Test
  void reasons_unavailableThrottledMalformedAndTimeoutAreTransient() {
    assertThat(EnumSet.allOf(Reason.class))
        .filteredOn(r -> !r.isTerminal())
        .containsExactlyInAnyOrder(
            Reason.UNAVAILABLE, Reason.THROTTLED, Reason.MALFORMED_RESPONSE, Reason.TIMEOUT);
  }

  @Test
  void reasons_areExactlyTheDocumentedSeven() {
    assertThat(Reason.values())
        .extracting(Reason::name)
        .containsExactly(
            "CONFIGURATION",
            "REJECTED",
            "UNAVAILABLE",
            "THROTTLED",
            "MALFORMED_RESPONSE",
            "TIMEOUT",
            "CLOSED");
  }

  @ParameterizedTest
  @EnumSource(Reason.class)
  void isTerminal_isShorthandForTheReason(Reason reason) {
    CredentialUnavailableException e = new CredentialUnavailableException(reason, "m");

    assertThat(e.isTerminal()).isEqualTo(reason.isTerminal());
    assertThat(e.reason()).isEqualTo(reason);
  }

  @Test
  void twoArgumentConstructor_hasNoCauseAndNoRetryAfter() {
    CredentialUnavailableException e =
        new CredentialUnavailableException(Reason.UNAVAILABLE, "upstream said 503");

    assertThat(e).hasMessage("upstream said 503").hasNoCause();
    assertThat(e.retryAfter()).isEmpty();
  }

  @Test
  void causeConstructor_keepsTheCause() {
    IOException cause = new IOException("connection reset");
    CredentialUnavailableException e =
        new CredentialUnavailableException(Reason.UNAVAILABLE, "could not reach", cause);

    assertThat(e).hasCause(cause).hasMessage("could not reach");
    assertThat(e.retryAfter()).isEmpty();
  }

  @Test
  void retryAfter_isKeptWhenGiven() {
    CredentialUnavailableException e =
        new CredentialUnavailableException(
            Reason.THROTTLED, "slow down", Duration.ofSeconds(7), null);

    assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));
    assertThat(e.isTerminal()).isFalse();
  }

  @Test
  void retryAfter_acceptsZero() {
    CredentialUnavailableException e =
        new CredentialUnavailableException(Reason.THROTTLED, "now", Duration.ZERO, null);

    assertThat(e.retryAfter()).contains(Duration.ZERO);
  }

  @Test
  void retryAfter_rejectsANegativeHint() {
    assertThatThrownBy(
            () ->
                new CredentialUnavailableException(
                    Reason.THROTTLED, "m", Duration.ofSeconds(-1), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("retryAfter");
  }

  @Test
  void reason_isRequired() {
    assertThatThrownBy(() -> new CredentialUnavailableException(nullReason(), "m"))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("reason");
  }

  @Test
  void isAnUncheckedCredentialException() {
    assertThat(new CredentialUnavailableException(Reason.CLOSED, "closed"))
        .isInstanceOf(CredentialException.class)
        .isInstanceOf(RuntimeException.class);
  }

  @SuppressWarnings("NullAway")
  private static Reason nullReason() {
    return null;
  }
}
