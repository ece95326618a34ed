package dev.ephemera.testkit.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ephemera.testkit.emulator.Fault;
import dev.ephemera.testkit.time.VirtualTime;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class IamCredentialsEmulatorTest {
  private static final String SA = "app@p.iam.gserviceaccount.com";
  private final VirtualTime time = VirtualTime.create();
  private final GoogleTokenRegistry registry = GoogleTokenRegistry.create(time.clock());
  private final IamCredentialsEmulator iam =
      IamCredentialsEmulator.builder(time.clock())
          .registry(registry)
          .serviceAccount(SA)
          .permit(caller -> !caller.principal().equals("intruder"))
          .start();

  @AfterEach
  void stop() {
    iam.close();
  }

  private String caller(String principal) {
    return registry.mint(
        new GoogleToken("sts", principal, List.of(), time.now().plus(Duration.ofHours(1)), null));
  }

  private HttpResponse<String> generate(String bearer, String body) {
    return Http.postJson(iam.impersonationUrl(SA), body, "Authorization", "Bearer " + bearer);
  }

  @Test
  void generateAccessToken_honoursTheLifetime_andAnswersRfc3339WithoutFractions() {
    time.advance(Duration.ofMillis(1500));
    HttpResponse<String> r =
        generate(
            caller("workload"),
            "{\"scope\":[\"https://www.googleapis.com/auth/cloud-platform\"],\"lifetime\":\"1200s\"}");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"expireTime\":\"2026-01-01T00:20:01Z\"");
    int i = r.body().indexOf("\"accessToken\":\"") + 15;
    String token = r.body().substring(i, r.body().indexOf('"', i));
    assertThat(registry.lookup(token).orElseThrow().principal()).isEqualTo(SA);
  }

  @Test
  void theGoogleErrorEnvelope_forEachRefusal() {
    String ok = caller("workload");
    assertThat(generate("ya29.unknown", "{\"scope\":[\"s\"]}").statusCode()).isEqualTo(401);
    HttpResponse<String> denied = generate(caller("intruder"), "{\"scope\":[\"s\"]}");
    assertThat(denied.statusCode()).isEqualTo(403);
    assertThat(denied.body()).contains("\"status\":\"PERMISSION_DENIED\"");
    assertThat(
            Http.postJson(iam.impersonationUrl("nobody@p"), "{}", "Authorization", "Bearer " + ok)
                .body())
        .contains("NOT_FOUND");
    assertThat(generate(ok, "{\"scope\":[\"s\"],\"lifetime\":\"7200s\"}").body())
        .contains("INVALID_ARGUMENT");
    assertThat(generate(ok, "{\"lifetime\":\"60s\"}").body()).contains("Scope required");
    iam.faults().next(Fault.throttle(Duration.ofSeconds(9)));
    HttpResponse<String> throttled = generate(ok, "{\"scope\":[\"s\"]}");
    assertThat(throttled.statusCode()).isEqualTo(429);
    assertThat(throttled.body()).contains("RESOURCE_EXHAUSTED");
  }

  @Test
  void generateIdToken_answersASignedJwt() {
    HttpResponse<String> r =
        Http.postJson(
            iam.impersonationUrl(SA).replace(":generateAccessToken", ":generateIdToken"),
            "{\"audience\":\"https://svc\",\"includeEmail\":true}",
            "Authorization",
            "Bearer " + caller("workload"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).startsWith("{\"token\":\"eyJ");
  }
}
