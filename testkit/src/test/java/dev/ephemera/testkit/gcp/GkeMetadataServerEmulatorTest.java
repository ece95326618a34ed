package dev.ephemera.testkit.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ephemera.testkit.emulator.Fault;
import dev.ephemera.testkit.time.VirtualTime;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GkeMetadataServerEmulatorTest {
  private final VirtualTime time = VirtualTime.create();
  private final GkeMetadataServerEmulator server =
      GkeMetadataServerEmulator.builder(time.clock())
          .serviceAccount("sa@p.iam.gserviceaccount.com")
          .start();

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> get(String path) {
    return Http.get(server.baseUrl() + path, "Metadata-Flavor", "Google");
  }

  private static final String TOKEN = "/computeMetadata/v1/instance/service-accounts/default/token";

  @Test
  void withoutTheFlavorHeader_everyRequestIsForbidden() {
    HttpResponse<String> r = Http.get(server.baseUrl() + TOKEN);
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.headers().firstValue("Metadata-Flavor")).contains("Google");
  }

  @Test
  void theCachedToken_comesBackWithAShrinkingExpiresIn_untilTheReissueWindow() {
    HttpResponse<String> first = get(TOKEN);
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.headers().firstValue("Metadata-Flavor")).contains("Google");
    assertThat(first.body()).contains("\"expires_in\":3599").contains("\"token_type\":\"Bearer\"");
    time.advance(Duration.ofMinutes(40));
    HttpResponse<String> again = get(TOKEN);
    assertThat(token(again.body())).isEqualTo(token(first.body()));
    assertThat(again.body()).contains("\"expires_in\":1199");
    time.advance(Duration.ofMinutes(16));
    HttpResponse<String> fresh = get(TOKEN);
    assertThat(token(fresh.body())).isNotEqualTo(token(first.body()));
    assertThat(fresh.body()).contains("\"expires_in\":3599");
    assertThat(server.tokensMinted()).isEqualTo(2);
    assertThat(server.registry().lookup(token(fresh.body()))).isPresent();
  }

  @Test
  void scopes_areCachedSeparately_andRecorded() {
    String a = token(get(TOKEN + "?scopes=https://www.googleapis.com/auth/a").body());
    String b = token(get(TOKEN + "?scopes=https://www.googleapis.com/auth/b").body());
    assertThat(a).isNotEqualTo(b);
    assertThat(server.registry().lookup(b).orElseThrow().scopes())
        .containsExactly("https://www.googleapis.com/auth/b");
    server.dropCachedTokens();
    assertThat(token(get(TOKEN + "?scopes=https://www.googleapis.com/auth/a").body()))
        .isNotEqualTo(a);
  }

  @Test
  void identityEmailAndUnknownAccounts() {
    HttpResponse<String> id =
        get("/computeMetadata/v1/instance/service-accounts/default/identity?audience=https://x");
    assertThat(id.statusCode()).isEqualTo(200);
    assertThat(id.body()).startsWith("eyJ").hasLineCount(1);
    assertThat(get("/computeMetadata/v1/instance/service-accounts/default/identity").statusCode())
        .isEqualTo(400);
    assertThat(get("/computeMetadata/v1/instance/service-accounts/default/email").body())
        .isEqualTo("sa@p.iam.gserviceaccount.com");
    assertThat(get("/computeMetadata/v1/instance/service-accounts/?recursive=true").body())
        .contains("sa@p.iam.gserviceaccount.com");
    assertThat(get("/computeMetadata/v1/instance/service-accounts/other@p/token").statusCode())
        .isEqualTo(404);
    assertThat(get("/").headers().firstValue("Metadata-Flavor")).contains("Google");
    assertThat(get("/computeMetadata/v1/universe/universe-domain").body())
        .isEqualTo("googleapis.com");
  }

  @Test
  void faults_useTheServersShortTextStyle() {
    server
        .faults()
        .next(Fault.status(403))
        .next(Fault.throttle(Duration.ofSeconds(3)))
        .next(Fault.expiredCredential());
    HttpResponse<String> denied = get(TOKEN);
    assertThat(denied.statusCode()).isEqualTo(403);
    assertThat(denied.body()).contains("IAM returned 403");
    HttpResponse<String> throttled = get(TOKEN);
    assertThat(throttled.statusCode()).isEqualTo(429);
    assertThat(throttled.headers().firstValue("Retry-After")).contains("3");
    assertThat(get(TOKEN).body()).contains("\"expires_in\":0");
    assertThat(server.journal().size()).isEqualTo(3);
  }

  static String token(String json) {
    int i = json.indexOf("\"access_token\":\"") + 16;
    return json.substring(i, json.indexOf('"', i));
  }
}
