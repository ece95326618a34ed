package dev.ephemera.aws.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ephemera.core.CredentialUnavailableException.Reason;
import dev.ephemera.core.spi.http.StatusReasons;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** STS codes and the agent's one code first; any other answer by core's status table. */
class FailureReasonsTest {

  @ParameterizedTest(name = "HTTP {0}")
  @ValueSource(ints = {302, 400, 401, 403, 404, 405, 408, 409, 429, 500, 503, 504})
  void withoutAKnownCode_theStatusDecides_asCoresTableSays(int status) {
    Reason standard = StatusReasons.standard().reasonFor(status);
    assertThat(StsFailures.reasonFor("", status)).isEqualTo(standard);
    assertThat(StsFailures.reasonFor("SomethingNew", status)).isEqualTo(standard);
    assertThat(PodIdentityFailures.reasonFor(status, "")).isEqualTo(standard);
    assertThat(PodIdentityFailures.reasonFor(status, "[id]: (AccessDeniedException): no, fault: x"))
        .isEqualTo(standard);
  }

  @Test
  void stsCodes_winOverTheStatus() {
    assertThat(StsFailures.reasonFor("Throttling", 400)).isEqualTo(Reason.THROTTLED);
    assertThat(StsFailures.reasonFor("ExpiredTokenException", 400)).isEqualTo(Reason.UNAVAILABLE);
    assertThat(StsFailures.reasonFor("IDPCommunicationError", 400)).isEqualTo(Reason.UNAVAILABLE);
    assertThat(StsFailures.reasonFor("MalformedPolicyDocument", 400))
        .isEqualTo(Reason.CONFIGURATION);
    assertThat(StsFailures.reasonFor("AccessDenied", 403)).isEqualTo(Reason.REJECTED);
  }

  @Test
  void anExpiredTokenAtTheAgent_isTransient_whateverItsStatus() {
    String body =
        "[6f1c2f0e-2b1e-4d3c-9a0b-1c2d3e4f5a6b]: (ExpiredTokenException): The service account"
            + " token has expired, fault: client";
    assertThat(PodIdentityFailures.code(body)).contains("ExpiredTokenException");
    assertThat(PodIdentityFailures.reasonFor(400, body)).isEqualTo(Reason.UNAVAILABLE);
    assertThat(PodIdentityFailures.reasonFor(401, body)).isEqualTo(Reason.UNAVAILABLE);
    assertThat(PodIdentityFailures.reasonFor(400, "x".repeat(1000) + body))
        .as("only the start of a body is searched")
        .isEqualTo(Reason.REJECTED);
  }
}
