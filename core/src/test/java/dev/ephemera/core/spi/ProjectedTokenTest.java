package dev.ephemera.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ephemera.core.CredentialConfigurationException;
import dev.ephemera.core.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.function.Consumer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProjectedTokenTest {

  private static final String SETTING = "AWS_WEB_IDENTITY_TOKEN_FILE";
  private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final long IAT = NOW.getEpochSecond() - 60;
  private static final long EXP = NOW.getEpochSecond() + 3600;
  private static final String SUB = "system:serviceaccount:payments:api";
  private static final String HEADER = "{\"alg\":\"RS256\",\"kid\":\"key-1\",\"typ\":\"JWT\"}";

  @SuppressWarnings("NullAway.Init")
  @TempDir
  Path dir;

  private static String b64(String json) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  private static String jwt(String payloadJson) {
    return b64(HEADER) + "." + b64(payloadJson) + ".c2lnbmF0dXJl";
  }

  private static String validPayload() {
    return "{\"iss\":\"https://oidc.example.test\",\"sub\":\""
        + SUB
        + "\",\"aud\":[\"sts.amazonaws.com\",\"vault\"],\"exp\":"
        + EXP
        + ",\"iat\":"
        + IAT
        + ",\"kubernetes.io\":{\"namespace\":\"payments\"}}";
  }

  private Path write(String content) throws IOException {
    Path file = dir.resolve("token");
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return file;
  }

  private static Consumer<CredentialConfigurationException> namesSetting(String setting) {
    return e -> {
      assertThat(e.setting()).startsWith(setting);
      assertThat(e.getMessage()).startsWith(setting);
    };
  }

  private static void assertConfigError(ThrowingCallable call, String messagePart, String secret) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(CredentialConfigurationException.class, namesSetting(SETTING))
        .hasMessageContaining(messagePart)
        .hasMessageNotContaining(secret)
        .hasNoCause();
  }

  // ---- valid tokens ----

  @Test
  void read_decodesTheClaimsOfAValidToken() throws IOException {
    String token = jwt(validPayload());
    Path file = write(token);

    ProjectedToken projected = ProjectedToken.read(file, SETTING, CLOCK);

    assertThat(projected.token()).isEqualTo(Secret.of(token));
    assertThat(projected.subject()).isEqualTo(SUB);
    assertThat(projected.issuer()).isEqualTo("https://oidc.example.test");
    assertThat(projected.audiences()).containsExactly("sts.amazonaws.com", "vault");
    assertThat(projected.expiresAt()).isEqualTo(Instant.ofEpochSecond(EXP));
    assertThat(projected.issuedAt()).contains(Instant.ofEpochSecond(IAT));
  }

  @Test
  void read_stripsTheTrailingNewlineTheKubeletMayWrite() throws IOException {
    String token = jwt(validPayload());
    Path file = write("  " + token + "\n");

    assertThat(ProjectedToken.read(file, SETTING, CLOCK).token().reveal()).isEqualTo(token);
  }

  @Test
  void read_seesTheNewContentAfterTheFileIsRotated() throws IOException {
    Path file = write(jwt(validPayload()));
    ProjectedToken first = ProjectedToken.read(file, SETTING, CLOCK);

    String rotated = jwt(validPayload().replace(SUB, "system:serviceaccount:payments:other"));
    write(rotated);
    ProjectedToken second = ProjectedToken.read(file, SETTING, CLOCK);

    assertThat(second.token().reveal()).isEqualTo(rotated);
    assertThat(second.subject()).isNotEqualTo(first.subject());
  }

  @Test
  void parse_acceptsASingleStringAudience() {
    String token = jwt("{\"sub\":\"s\",\"exp\":" + EXP + ",\"aud\":\"only-one\"}");

    ProjectedToken projected = ProjectedToken.parse(Secret.of(token), "token", CLOCK);

    assertThat(projected.audiences()).containsExactly("only-one");
  }

  @Test
  void parse_keepsOnlyStringAudiencesFromAnArray() {
    String token = jwt("{\"sub\":\"s\",\"exp\":" + EXP + ",\"aud\":[\"a\",1,null,\"b\"]}");

    assertThat(ProjectedToken.parse(Secret.of(token), "token", CLOCK).audiences())
        .containsExactly("a", "b");
  }

  @Test
  void parse_defaultsMissingIssuerAudienceAndIssuedAt() {
    String token = jwt("{\"sub\":\"s\",\"exp\":" + EXP + "}");

    ProjectedToken projected = ProjectedToken.parse(Secret.of(token), "token", CLOCK);

    assertThat(projected.issuer()).isEmpty();
    assertThat(projected.audiences()).isEmpty();
    assertThat(projected.issuedAt()).isEmpty();
  }

  @Test
  void parse_acceptsAnExpWrittenWithAZeroFraction() {
    String token = jwt("{\"sub\":\"s\",\"exp\":" + EXP + ".0}");

    assertThat(ProjectedToken.parse(Secret.of(token), "token", CLOCK).expiresAt())
        .isEqualTo(Instant.ofEpochSecond(EXP));
  }

  @Test
  void parse_acceptsATokenExpiringOneSecondFromNow() {
    String token = jwt("{\"sub\":\"s\",\"exp\":" + (NOW.getEpochSecond() + 1) + "}");

    assertThat(ProjectedToken.parse(Secret.of(token), "token", CLOCK).expiresAt())
        .isEqualTo(NOW.plusSeconds(1));
  }

  @Test
  void toString_showsTheClaimsButNeverTheToken() throws IOException {
    String token = jwt(validPayload());
    ProjectedToken projected = ProjectedToken.read(write(token), SETTING, CLOCK);

    assertThat(projected.toString())
        .contains(SUB)
        .contains("https://oidc.example.test")
        .contains("sts.amazonaws.com")
        .contains(Instant.ofEpochSecond(EXP).toString())
        .doesNotContain(token)
        .doesNotContain(token.split("\\.")[1])
        .doesNotContain("c2lnbmF0dXJl");
  }

  // ---- file problems ----

  @Test
  void read_missingFile_namesTheSettingAndTheFile() {
    Path missing = dir.resolve("absent");

    assertThatThrownBy(() -> ProjectedToken.read(missing, SETTING, CLOCK))
        .isInstanceOfSatisfying(
            CredentialConfigurationException.class, e -> assertThat(e.setting()).isEqualTo(SETTING))
        .hasMessageStartingWith(SETTING)
        .hasMessageContaining("does not exist")
        .hasMessageContaining(missing.toString());
  }

  @Test
  void read_directoryInsteadOfAFile_isUnreadable() {
    assertThatThrownBy(() -> ProjectedToken.read(dir, SETTING, CLOCK))
        .isInstanceOfSatisfying(
            CredentialConfigurationException.class, e -> assertThat(e.setting()).isEqualTo(SETTING))
        .hasMessageContaining("cannot be read")
        .hasMessageContaining(dir.toString());
  }

  @Test
  void read_fileThatIsNotUtf8_isUnreadableAndTheMessageHoldsNoContent() throws IOException {
    Path file = dir.resolve("binary");
    Files.write(file, new byte[] {'e', 'y', 'J', (byte) 0xC3, (byte) 0x28, 'x'});

    assertThatThrownBy(() -> ProjectedToken.read(file, SETTING, CLOCK))
        .isInstanceOfSatisfying(
            CredentialConfigurationException.class, e -> assertThat(e.setting()).isEqualTo(SETTING))
        .hasMessageContaining("cannot be read")
        .hasMessageNotContaining("eyJ")
        .hasNoCause();
  }

  @Test
  void read_emptyFile_namesTheSetting() throws IOException {
    Path file = write("");

    assertThatThrownBy(() -> ProjectedToken.read(file, SETTING, CLOCK))
        .isInstanceOfSatisfying(
            CredentialConfigurationException.class, e -> assertThat(e.setting()).isEqualTo(SETTING))
        .hasMessageContaining("empty");
  }

  @Test
  void read_blankFile_isEmpty() throws IOException {
    Path file = write(" \n\t\n");

    assertThatThrownBy(() -> ProjectedToken.read(file, SETTING, CLOCK))
        .isInstanceOf(CredentialConfigurationException.class)
        .hasMessageContaining("empty");
  }

  @Test
  void readSecret_returnsTheStrippedContent() throws IOException {
    Path file = write("\n  role-secret-id  \n");

    assertThat(ProjectedToken.readSecret(file, "VAULT_SECRET_ID_FILE").reveal())
        .isEqualTo("role-secret-id");
  }

  @Test
  void readSecret_missingFile_namesTheSetting() {
    assertThatThrownBy(() -> ProjectedToken.readSecret(dir.resolve("nope"), "secretIdFile"))
        .isInstanceOfSatisfying(
            CredentialConfigurationException.class,
            e -> assertThat(e.setting()).isEqualTo("secretIdFile"));
  }

  // ---- content problems ----

  @Test
  void read_notThreeParts_saysHowManyPartsWereFound() throws IOException {
    assertConfigError(
        () -> ProjectedToken.read(write("just-an-opaque-token"), SETTING, CLOCK),
        "found 1",
        "just-an-opaque-token");
    assertConfigError(
        () -> ProjectedToken.read(write("a1b2.c3d4"), SETTING, CLOCK), "found 2", "a1b2");
    assertConfigError(
        () -> ProjectedToken.read(write("a1.b2.c3.d4.e5"), SETTING, CLOCK), "found 5", "a1.b2");
  }

  @Test
  void read_payloadNotBase64url_isRejected() throws IOException {
    String token = b64(HEADER) + ".not*base64!.sig";

    assertConfigError(
        () -> ProjectedToken.read(write(token), SETTING, CLOCK),
        "not base64url JSON",
        "not*base64");
  }

  @Test
  void read_payloadNotJson_isRejected() throws IOException {
    String token = b64(HEADER) + "." + b64("sub=someone") + ".sig";

    assertConfigError(
        () -> ProjectedToken.read(write(token), SETTING, CLOCK), "not base64url JSON", "someone");
  }

  @Test
  void read_payloadAJsonArray_isRejected() throws IOException {
    String token = jwt("[\"sub\",\"exp\"]");

    assertConfigError(
        () -> ProjectedToken.read(write(token), SETTING, CLOCK), "not base64url JSON", token);
  }

  @Test
  void read_emptyPayload_isRejected() throws IOException {
    String token = b64(HEADER) + "..sig";

    assertConfigError(
        () -> ProjectedToken.read(write(token), SETTING, CLOCK), "not base64url JSON", token);
  }

  @Test
  void read_missingSub_isRejected() throws IOException {
    String token = jwt("{\"exp\":" + EXP + "}");

    assertConfigError(() -> ProjectedToken.read(write(token), SETTING, CLOCK), "sub claim", token);
  }

  @Test
  void read_emptyOrNonStringSub_isRejected() throws IOException {
    String empty = jwt("{\"sub\":\"\",\"exp\":" + EXP + "}");
    String number = jwt("{\"sub\":42,\"exp\":" + EXP + "}");

    assertConfigError(() -> ProjectedToken.read(write(empty), SETTING, CLOCK), "sub claim", empty);
    assertConfigError(
        () -> ProjectedToken.read(write(number), SETTING, CLOCK), "sub claim", number);
  }

  @Test
  void read_missingExp_isRejected() throws IOException {
    String token = jwt("{\"sub\":\"s\"}");

    assertConfigError(() -> ProjectedToken.read(write(token), SETTING, CLOCK), "exp claim", token);
  }

  @Test
  void read_expNotAWholeNumber_isRejected() throws IOException {
    for (String exp : new String[] {"1.5", "\"" + EXP + "\"", "true", "1e30", "null", "[1]"}) {
      String token = jwt("{\"sub\":\"s\",\"exp\":" + exp + "}");

      assertConfigError(
          () -> ProjectedToken.read(write(token), SETTING, CLOCK),
          "exp claim is not a whole number of seconds",
          token);
    }
  }

  @Test
  void read_expBeyondTheRangeOfInstant_isRejected() throws IOException {
    String token = jwt("{\"sub\":\"s\",\"exp\":" + Long.MAX_VALUE + "}");

    assertConfigError(() -> ProjectedToken.read(write(token), SETTING, CLOCK), "exp claim", token);
  }

  @Test
  void read_iatNotAWholeNumber_isRejected() throws IOException {
    String token = jwt("{\"sub\":\"s\",\"exp\":" + EXP + ",\"iat\":\"yesterday\"}");

    assertConfigError(() -> ProjectedToken.read(write(token), SETTING, CLOCK), "iat claim", token);
  }

  @Test
  void read_expiredToken_isReturned_forTheUpstreamToJudge() throws IOException {
    // The local clock may run ahead of the upstream's: refusing here would stop a backend whose
    // token the upstream still accepts. The upstream judges expiry on its own clock.
    long exp = NOW.getEpochSecond() - 10;
    String token = jwt("{\"sub\":\"" + SUB + "\",\"exp\":" + exp + "}");

    ProjectedToken projected = ProjectedToken.read(write(token), SETTING);

    assertThat(projected.expiresAt()).isEqualTo(Instant.ofEpochSecond(exp));
    assertThat(projected.subject()).isEqualTo(SUB);
    assertThat(projected.token().reveal()).isEqualTo(token);
  }

  @Test
  void read_withAClockTwoHoursAhead_stillReturnsAValidToken() throws IOException {
    Clock ahead = Clock.offset(CLOCK, java.time.Duration.ofHours(2));
    String token = jwt(validPayload());

    assertThat(ProjectedToken.read(write(token), SETTING, ahead).expiresAt())
        .isEqualTo(Instant.ofEpochSecond(EXP));
    assertThat(ProjectedToken.parse(Secret.of(token), "token", ahead).expiresAt())
        .isEqualTo(Instant.ofEpochSecond(EXP));
  }

  @Test
  void parse_tokenExpiringExactlyNow_isReturned() {
    String token = jwt("{\"sub\":\"s\",\"exp\":" + NOW.getEpochSecond() + "}");

    assertThat(ProjectedToken.parse(Secret.of(token), "token").expiresAt()).isEqualTo(NOW);
  }

  @Test
  void read_expiredTokenWithoutSub_isStillAConfigurationError() throws IOException {
    String token = jwt("{\"exp\":" + (NOW.getEpochSecond() - 10) + "}");

    assertConfigError(() -> ProjectedToken.read(write(token), SETTING), "sub claim", token);
  }

  @Test
  void read_contentErrors_nameTheFileToo() throws IOException {
    Path file = write(jwt("{\"sub\":\"s\"}"));

    assertThatThrownBy(() -> ProjectedToken.read(file, SETTING, CLOCK))
        .hasMessageContaining(file.toString());
  }

  @Test
  void parse_namesTheGivenOriginInErrors() {
    assertThatThrownBy(
            () -> ProjectedToken.parse(Secret.of("x.y"), "federatedTokenSupplier", CLOCK))
        .isInstanceOfSatisfying(
            CredentialConfigurationException.class,
            e -> assertThat(e.setting()).isEqualTo("federatedTokenSupplier"));
  }

  @Test
  void read_reportsTheBareSettingNameForEveryFailure() throws IOException {
    Path file = write(jwt("{\"sub\":\"s\"}"));

    assertThatThrownBy(() -> ProjectedToken.read(file, SETTING, CLOCK))
        .isInstanceOfSatisfying(
            CredentialConfigurationException.class,
            e -> assertThat(e.setting()).isEqualTo(SETTING));
  }
}
