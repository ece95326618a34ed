package dev.ephemera.testkit.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ephemera.testkit.emulator.Fault;
import dev.ephemera.testkit.oidc.OidcIssuer;
import dev.ephemera.testkit.oidc.ServiceAccount;
import dev.ephemera.testkit.time.VirtualTime;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The STS emulator on the wire: envelopes, checks and expiry on the injected clock. */
class StsEmulatorTest {
  private static final String ROLE = "arn:aws:iam::111122223333:role/app";
  private static final ServiceAccount SA = ServiceAccount.of("ns", "app");

  private final VirtualTime time = VirtualTime.create();
  private final OidcIssuer oidc = OidcIssuer.start(time.clock());
  private final StsEmulator sts =
      StsEmulator.builder(oidc).clock(time.clock()).role(ROLE, SA.subject()).start();
  private final HttpClient http =
      HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build();

  @AfterEach
  void stop() {
    sts.close();
    oidc.close();
  }

  private HttpResponse<String> call(Map<String, String> overrides) throws Exception {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("Action", "AssumeRoleWithWebIdentity");
    form.put("Version", "2011-06-15");
    form.put("RoleArn", ROLE);
    form.put("RoleSessionName", "s1");
    form.put("WebIdentityToken", oidc.mint(SA, StsEmulator.DEFAULT_AUDIENCE, Duration.ofHours(1)));
    form.putAll(overrides);
    String body =
        form.entrySet().stream()
            .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    return http.send(
        HttpRequest.newBuilder(URI.create(sts.endpoint() + "/"))
            .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void success_isTheExactXmlEnvelope_withExpiryOnTheInjectedClock() throws Exception {
    HttpResponse<String> r = call(Map.of("DurationSeconds", "900"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).contains("text/xml");
    assertThat(r.body())
        .startsWith(
            "<AssumeRoleWithWebIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">")
        .contains("<SubjectFromWebIdentityToken>" + SA.subject() + "</SubjectFromWebIdentityToken>")
        .contains("<Audience>sts.amazonaws.com</Audience>")
        .contains("<Arn>arn:aws:sts::111122223333:assumed-role/app/s1</Arn>")
        .contains("<Expiration>2026-01-01T00:15:00Z</Expiration>")
        .contains("<AccessKeyId>ASIA")
        .contains("<RequestId>");
    IssuedAwsCredentials c = sts.issued().get(0);
    assertThat(r.body()).contains(c.secretAccessKey()).contains(c.sessionToken());
    assertThat(c.toString()).doesNotContain(c.secretAccessKey()).doesNotContain(c.sessionToken());
    assertThat(sts.secretKeyIfValid(c.accessKeyId())).contains(c.secretAccessKey());
    time.advance(Duration.ofMinutes(16));
    assertThat(sts.secretKeyIfValid(c.accessKeyId())).as("expired on the emulator clock").isEmpty();
  }

  @Test
  void errors_useTheErrorResponseEnvelope_withExactCodes() throws Exception {
    HttpResponse<String> r = call(Map.of("DurationSeconds", "899"));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body())
        .startsWith("<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">")
        .contains("<Type>Sender</Type>")
        .contains("<Code>ValidationError</Code>")
        .contains("greater than or equal to 900");
    assertThat(call(Map.of("DurationSeconds", "7200")).body()).contains("MaxSessionDuration");
    assertThat(call(Map.of("RoleArn", "arn:aws:iam::111122223333:role/other")).body())
        .contains("<Code>AccessDenied</Code>");
    assertThat(call(Map.of("Policy", "not json")).body())
        .contains("<Code>MalformedPolicyDocument</Code>");
    try (OidcIssuer stranger = OidcIssuer.start(time.clock())) {
      assertThat(
              call(Map.of(
                      "WebIdentityToken",
                      stranger.mint(SA, StsEmulator.DEFAULT_AUDIENCE, Duration.ofHours(1))))
                  .body())
          .contains("<Code>InvalidIdentityToken</Code>");
    }
    String shortLived = oidc.mint(SA, StsEmulator.DEFAULT_AUDIENCE, Duration.ofMinutes(10));
    time.advance(Duration.ofMinutes(11));
    assertThat(call(Map.of("WebIdentityToken", shortLived)).body())
        .contains("<Code>ExpiredTokenException</Code>");
    sts.failNext(StsError.IDP_COMMUNICATION_ERROR);
    assertThat(call(Map.of()).body()).contains("<Code>IDPCommunicationError</Code>");
    sts.faults().next(Fault.throttle(Duration.ofSeconds(1)));
    HttpResponse<String> throttled = call(Map.of());
    assertThat(throttled.statusCode()).isEqualTo(400);
    assertThat(throttled.body()).contains("<Code>Throttling</Code>").contains("Rate exceeded");
    assertThat(sts.calls()).isEqualTo(8);
  }
}
