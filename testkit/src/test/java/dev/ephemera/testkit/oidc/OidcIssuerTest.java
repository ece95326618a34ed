package dev.ephemera.testkit.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ephemera.core.spi.ProjectedToken;
import dev.ephemera.testkit.oidc.TokenRejectedException.Problem;
import dev.ephemera.testkit.time.VirtualTime;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OidcIssuerTest {
  private final VirtualTime time = VirtualTime.create();
  private final OidcIssuer issuer = OidcIssuer.start(time.clock());
  private final ServiceAccount app = ServiceAccount.of("payments", "api");

  @AfterEach
  void stop() {
    issuer.close();
  }

  @Test
  void mintedToken_carriesProjectedTokenClaims_andVerifies() {
    String jwt = issuer.mint(app, "sts.amazonaws.com", Duration.ofHours(1));
    VerifiedToken v = issuer.verify(jwt, "sts.amazonaws.com");
    assertThat(v.subject()).isEqualTo("system:serviceaccount:payments:api");
    assertThat(v.issuer()).isEqualTo(issuer.issuerUrl());
    assertThat(v.expiresAt()).isEqualTo(time.now().plus(Duration.ofHours(1)));
    ProjectedToken decoded =
        ProjectedToken.parse(dev.ephemera.core.Secret.of(jwt), "token", time.clock());
    assertThat(decoded.audiences()).containsExactly("sts.amazonaws.com");
  }

  @Test
  void verify_rejectsWrongAudienceExpiredTamperedAndGarbage() {
    String jwt = issuer.mint(app, "vault", Duration.ofMinutes(10));
    assertThatThrownBy(() -> issuer.verify(jwt, "other"))
        .isInstanceOfSatisfying(
            TokenRejectedException.class,
            e -> assertThat(e.problem()).isEqualTo(Problem.WRONG_AUDIENCE));
    String[] parts = jwt.split("\\.", -1);
    String tampered = parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse();
    assertThatThrownBy(() -> issuer.verify(tampered, "vault"))
        .isInstanceOfSatisfying(
            TokenRejectedException.class,
            e -> assertThat(e.problem()).isEqualTo(Problem.BAD_SIGNATURE));
    assertThatThrownBy(() -> issuer.verify("not-a-jwt", "vault"))
        .isInstanceOfSatisfying(
            TokenRejectedException.class,
            e -> assertThat(e.problem()).isEqualTo(Problem.MALFORMED));
    time.advance(Duration.ofMinutes(11));
    assertThatThrownBy(() -> issuer.verify(jwt, "vault"))
        .isInstanceOfSatisfying(
            TokenRejectedException.class, e -> assertThat(e.problem()).isEqualTo(Problem.EXPIRED));
  }

  @Test
  void tokenFromAnotherIssuer_failsTheSignatureCheck() {
    try (OidcIssuer other = OidcIssuer.start(time.clock())) {
      String foreign = other.mint(app, "vault", Duration.ofMinutes(10));
      assertThatThrownBy(() -> issuer.verify(foreign, "vault"))
          .isInstanceOf(TokenRejectedException.class);
    }
  }

  @Test
  void discoveryAndJwks_areServedOnLoopback() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String jwks =
        http.send(
                HttpRequest.newBuilder(URI.create(issuer.jwksUrl())).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    assertThat(jwks).contains(issuer.keyId()).contains("\"kty\":\"RSA\"").doesNotContain("\"d\"");
    String discovery =
        http.send(
                HttpRequest.newBuilder(
                        URI.create(issuer.issuerUrl() + "/.well-known/openid-configuration"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    assertThat(discovery).contains(issuer.jwksUrl());
    assertThat(issuer.issuerUrl()).startsWith("http://127.0.0.1:");
  }

  @Test
  void tokenFile_isWrittenAndRotatedLikeTheKubelet(@TempDir Path dir) throws Exception {
    TokenFile file =
        issuer.project(dir.resolve("token"), app, "sts.amazonaws.com", Duration.ofHours(1));
    String first = Files.readString(file.path());
    assertThat(first).isEqualTo(file.currentToken());
    time.advance(Duration.ofMinutes(48));
    file.rotate();
    String second = Files.readString(file.path());
    assertThat(second).isNotEqualTo(first);
    assertThat(issuer.verify(second, "sts.amazonaws.com").issuedAt()).isEqualTo(time.now());
    try (var listing = Files.list(dir)) {
      assertThat(listing).hasSize(1); // no temp file left behind by the atomic swap
    }
    file.delete();
    assertThat(Files.exists(file.path())).isFalse();
  }

  @Test
  void serviceAccount_validatesAndFormsTheSubject() {
    assertThat(app.subject()).isEqualTo("system:serviceaccount:payments:api");
    assertThatThrownBy(() -> ServiceAccount.of(" ", "x"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
