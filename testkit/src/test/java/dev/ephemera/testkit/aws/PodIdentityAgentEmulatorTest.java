package dev.ephemera.testkit.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ephemera.testkit.oidc.OidcIssuer;
import dev.ephemera.testkit.oidc.ServiceAccount;
import dev.ephemera.testkit.time.VirtualTime;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Pod Identity agent emulator on the wire. */
class PodIdentityAgentEmulatorTest {
  private static final ServiceAccount SA = ServiceAccount.of("ns", "app");
  private final VirtualTime time = VirtualTime.create();
  private final OidcIssuer oidc = OidcIssuer.start(time.clock());
  private final PodIdentityAgentEmulator agent =
      PodIdentityAgentEmulator.builder(oidc)
          .clock(time.clock())
          .association(SA.subject(), "arn:aws:iam::444455556666:role/app")
          .credentialLifetime(Duration.ofMinutes(90))
          .start();
  private final HttpClient http =
      HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build();

  @AfterEach
  void stop() {
    agent.close();
    oidc.close();
  }

  private HttpResponse<String> get(String authorization) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(agent.fullUri()).GET();
    if (!authorization.isEmpty()) {
      b.header("Authorization", authorization);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aValidRawToken_getsJsonCredentials_withRfc3339Expiry() throws Exception {
    time.advance(Duration.ofNanos(123_456_789));
    HttpResponse<String> r =
        get(oidc.mint(SA, PodIdentityAgentEmulator.AUDIENCE, Duration.ofHours(1)));
    assertThat(r.statusCode()).isEqualTo(200);
    IssuedAwsCredentials c = agent.issued().get(0);
    assertThat(r.body())
        .contains("\"AccessKeyId\":\"" + c.accessKeyId() + "\"")
        .contains("\"AccountId\":\"444455556666\"")
        .contains("\"Expiration\":\"2026-01-01T01:30:00.123456789Z\"");
  }

  @Test
  void errors_arePlainText_inTheAgentsShapes() throws Exception {
    HttpResponse<String> empty = get("");
    assertThat(empty.statusCode()).isEqualTo(400);
    assertThat(empty.body()).isEqualTo("Service account token cannot be empty\n");
    String token = oidc.mint(SA, PodIdentityAgentEmulator.AUDIENCE, Duration.ofHours(1));
    assertThat(get("Bearer " + token).statusCode()).isEqualTo(400);
    HttpResponse<String> other =
        get(
            oidc.mint(
                ServiceAccount.of("ns", "other"),
                PodIdentityAgentEmulator.AUDIENCE,
                Duration.ofHours(1)));
    assertThat(other.statusCode()).isEqualTo(403);
    assertThat(other.body())
        .matches("\\[[0-9a-f-]+\\]: \\(AccessDeniedException\\): .*, fault: client\\n");
    String shortLived = oidc.mint(SA, PodIdentityAgentEmulator.AUDIENCE, Duration.ofMinutes(10));
    time.advance(Duration.ofMinutes(11));
    assertThat(get(shortLived).body()).contains("(ExpiredTokenException)");
    assertThat(agent.calls()).isEqualTo(4);
  }
}
