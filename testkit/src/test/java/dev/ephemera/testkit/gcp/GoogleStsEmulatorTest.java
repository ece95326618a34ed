package dev.ephemera.testkit.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ephemera.testkit.emulator.Fault;
import dev.ephemera.testkit.oidc.OidcIssuer;
import dev.ephemera.testkit.oidc.ServiceAccount;
import dev.ephemera.testkit.time.VirtualTime;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GoogleStsEmulatorTest {
  private static final ServiceAccount SA = ServiceAccount.of("ns", "app");
  private final VirtualTime time = VirtualTime.create();
  private final OidcIssuer oidc = OidcIssuer.start(time.clock());
  private final GoogleStsEmulator sts =
      GoogleStsEmulator.builder(time.clock(), oidc)
          .attributeCondition(t -> !t.subject().endsWith(":blocked"))
          .start();

  @AfterEach
  void stop() {
    sts.close();
    oidc.close();
  }

  private HttpResponse<String> exchange(String subject, String audience) {
    return Http.postForm(
        sts.tokenUrl(),
        "grant_type="
            + Http.enc("urn:ietf:params:oauth:grant-type:token-exchange")
            + "&subject_token_type="
            + Http.enc("urn:ietf:params:oauth:token-type:jwt")
            + "&requested_token_type="
            + Http.enc("urn:ietf:params:oauth:token-type:access_token")
            + "&scope="
            + Http.enc("https://www.googleapis.com/auth/cloud-platform")
            + "&audience="
            + Http.enc(audience)
            + "&subject_token="
            + subject);
  }

  private String projected(ServiceAccount sa, String aud) {
    return oidc.mint(sa, aud, Duration.ofHours(1));
  }

  @Test
  void aVerifiedProjectedToken_isExchanged_forAFederatedToken() {
    HttpResponse<String> r = exchange(projected(SA, sts.subjectTokenAudience()), sts.provider());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body())
        .contains("\"issued_token_type\":\"urn:ietf:params:oauth:token-type:access_token\"")
        .contains("\"token_type\":\"Bearer\"")
        .contains("\"expires_in\":3599");
    String token = GkeMetadataServerEmulatorTest.token(r.body());
    GoogleToken t = sts.registry().lookup(token).orElseThrow();
    assertThat(t.principal())
        .startsWith("principal://iam.googleapis.com/projects/123456789012")
        .endsWith(SA.subject());
    assertThat(t.scopes()).containsExactly("https://www.googleapis.com/auth/cloud-platform");
  }

  @Test
  void theRealErrorCodes_forEachWayTheExchangeFails() {
    String good = projected(SA, sts.subjectTokenAudience());
    assertThat(exchange(projected(SA, "https://wrong"), sts.provider()).body())
        .contains("invalid_grant")
        .contains("WRONG_AUDIENCE");
    assertThat(exchange(good, "not-a-provider").body()).contains("invalid_request");
    assertThat(
            exchange(
                    good,
                    "//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/x/providers/y")
                .body())
        .contains("invalid_target");
    HttpResponse<String> blocked =
        exchange(
            projected(ServiceAccount.of("ns", "blocked"), sts.subjectTokenAudience()),
            sts.provider());
    assertThat(blocked.statusCode()).isEqualTo(400);
    assertThat(blocked.body()).contains("unauthorized_client");
    time.advance(Duration.ofHours(2));
    assertThat(exchange(good, sts.provider()).body()).contains("invalid_grant").contains("EXPIRED");
  }

  @Test
  void downscoping_recordsTheBoundary_andRefusesBadOnes() {
    String source =
        GkeMetadataServerEmulatorTest.token(
            exchange(projected(SA, sts.subjectTokenAudience()), sts.provider()).body());
    String boundary =
        "{\"accessBoundaryRules\":[{\"availableResource\":\"//storage.googleapis.com/projects/_/buckets/b\","
            + "\"availablePermissions\":[\"inRole:roles/storage.objectViewer\"]}]}";
    HttpResponse<String> r = downscope(source, "{\"accessBoundary\":" + boundary + "}");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).doesNotContain("expires_in");
    String downscoped = GkeMetadataServerEmulatorTest.token(r.body());
    assertThat(sts.accessBoundaryOf(downscoped)).contains(boundary);
    assertThat(downscope(downscoped, "{\"accessBoundary\":" + boundary + "}").body())
        .contains("cannot be downscoped again");
    assertThat(
            downscope(
                    source,
                    "{\"accessBoundary\":"
                        + boundary.replace(
                            "inRole:roles/storage.objectViewer", "storage.objects.get")
                        + "}")
                .body())
        .contains("inRole");
    assertThat(downscope("ya29.unknown", "{}").body()).contains("invalid_grant");
    assertThat(downscope(source, "not json").body()).contains("invalid_request");
  }

  private HttpResponse<String> downscope(String token, String options) {
    return Http.postForm(
        sts.tokenUrl(),
        "grant_type="
            + Http.enc("urn:ietf:params:oauth:grant-type:token-exchange")
            + "&subject_token_type="
            + Http.enc("urn:ietf:params:oauth:token-type:access_token")
            + "&requested_token_type="
            + Http.enc("urn:ietf:params:oauth:token-type:access_token")
            + "&subject_token="
            + Http.enc(token)
            + "&options="
            + Http.enc(options));
  }

  @Test
  void faults_areOAuthErrors_andAnAuthorizationHeaderIsRefused() {
    sts.faults().next(Fault.throttle(Duration.ofSeconds(4))).next(Fault.status(503));
    HttpResponse<String> throttled = exchange("x", sts.provider());
    assertThat(throttled.statusCode()).isEqualTo(429);
    assertThat(throttled.headers().firstValue("Retry-After")).contains("4");
    assertThat(exchange("x", sts.provider()).body()).contains("temporarily_unavailable");
    HttpResponse<String> withAuth =
        Http.postForm(sts.tokenUrl(), "grant_type=x", "Authorization", "Bearer y");
    assertThat(withAuth.statusCode()).isEqualTo(400);
    assertThat(sts.journal().entries()).hasSize(3);
    assertThat(List.of(sts.baseUrl(), sts.tokenUrl()))
        .allSatisfy(u -> assertThat(u).startsWith("https://127.0.0.1:"));
  }
}
