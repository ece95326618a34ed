package dev.ephemera.vault.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ephemera.core.CredentialUnavailableException.Reason;
import dev.ephemera.core.Secret;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Status classification, sanitized error text and the Retry-After hint kept. */
class VaultErrorsTest {

  @Test
  void statuses_mapToReasons_inTheirContext() {
    assertThat(VaultErrors.reasonFor(400, Operation.LOGIN)).isEqualTo(Reason.CONFIGURATION);
    assertThat(VaultErrors.reasonFor(400, Operation.RENEW_LEASE)).isEqualTo(Reason.REJECTED);
    assertThat(VaultErrors.reasonFor(400, Operation.RENEW_TOKEN)).isEqualTo(Reason.REJECTED);
    assertThat(VaultErrors.reasonFor(403, Operation.READ_KV)).isEqualTo(Reason.REJECTED);
    assertThat(VaultErrors.reasonFor(404, Operation.READ_SECRET)).isEqualTo(Reason.CONFIGURATION);
    assertThat(VaultErrors.reasonFor(429, Operation.LOGIN)).isEqualTo(Reason.THROTTLED);
    assertThat(VaultErrors.reasonFor(412, Operation.LOGIN)).isEqualTo(Reason.UNAVAILABLE);
    assertThat(VaultErrors.reasonFor(503, Operation.LOGIN)).isEqualTo(Reason.UNAVAILABLE);
    assertThat(VaultErrors.reasonFor(501, Operation.LOGIN)).isEqualTo(Reason.UNAVAILABLE);
    assertThat(VaultErrors.reasonFor(408, Operation.LOGIN)).isEqualTo(Reason.TIMEOUT);
    assertThat(VaultErrors.reasonFor(418, Operation.LOGIN)).isEqualTo(Reason.REJECTED);
    assertThat(VaultErrors.reasonFor(307, Operation.LOGIN))
        .as("a redirect (a standby pointing at the active node) is transient, as in core's table")
        .isEqualTo(Reason.UNAVAILABLE);
  }

  @Test
  void errorMessages_areQuoted_andScrubbedOfWhatWasSent() {
    Secret sent = Secret.of("s.sentTokenValue42");
    String body =
        "{\"errors\":[\"token s.sentTokenValue42 is bad\",\"jwt eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln rejected\"]}";
    var e =
        VaultErrors.failure(
            Operation.LOGIN, "auth/kubernetes/login", new Reply(403, body, null), sent);
    assertThat(e.getMessage())
        .contains("HTTP 403", "auth/kubernetes/login", "is bad", "rejected")
        .doesNotContain("sentTokenValue42")
        .doesNotContain("eyJzdWIiOiJ4In0");
    assertThat(e.reason()).isEqualTo(Reason.REJECTED);
    assertThat(VaultErrors.messages("{\"errors\":[]}")).isEmpty();
    assertThat(VaultErrors.messages("<html>bad gateway</html>"))
        .isEqualTo("<html>bad gateway</html>");
  }

  @Test
  void failure_keepsTheRetryAfterHintOfTheReply() {
    assertThat(
            VaultErrors.failure(Operation.LOGIN, "x", new Reply(503, "", Duration.ofSeconds(9)))
                .retryAfter())
        .contains(Duration.ofSeconds(9));
  }
}
