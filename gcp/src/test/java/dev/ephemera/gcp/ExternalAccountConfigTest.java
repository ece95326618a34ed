package dev.ephemera.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ephemera.core.CredentialConfigurationException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parsing and validating external_account configurations. */
class ExternalAccountConfigTest {
  private static final String PROVIDER =
      "//iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/pool/providers/k8s";

  private static ExternalAccountConfig parse(String json) {
    return ExternalAccountConfig.parse(json, "test.json");
  }

  private static String json(String audience, String source, String extra) {
    return "{\"type\":\"external_account\",\"audience\":\""
        + audience
        + "\",\"subject_token_type\":\"urn:ietf:params:oauth:token-type:jwt\",\"credential_source\":"
        + source
        + extra
        + "}";
  }

  @Test
  void aGcloudGeneratedFile_isParsed_withDefaults() {
    ExternalAccountConfig c =
        parse(json(PROVIDER, "{\"file\":\"/var/run/service-account/token\"}", ""));
    assertThat(c.audience()).isEqualTo(PROVIDER);
    assertThat(c.tokenUrl()).hasToString("https://sts.googleapis.com/v1/token");
    assertThat(c.subjectTokenFile()).isEqualTo(Path.of("/var/run/service-account/token"));
    assertThat(c.subjectTokenField()).isEmpty();
    assertThat(c.serviceAccount()).isEmpty();
    assertThat(c.tokenLifetime()).isEqualTo(Duration.ofHours(1));
    assertThat(c.universeDomain()).isEqualTo("googleapis.com");
    assertThat(c.toString()).contains(PROVIDER);
  }

  @Test
  void aJsonSubjectTokenFormat_namesTheField() {
    ExternalAccountConfig c =
        parse(
            json(
                PROVIDER,
                "{\"file\":\"/t.json\",\"format\":{\"type\":\"json\",\"subject_token_field_name\":\"id_token\"}}",
                ""));
    assertThat(c.subjectTokenField()).contains("id_token");
  }

  @Test
  void impersonation_takesTheEmailFromTheUrl_andTheLifetime() {
    ExternalAccountConfig c =
        parse(
            json(
                PROVIDER,
                "{\"file\":\"/t\"}",
                ",\"service_account_impersonation_url\":\"https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/a@b.iam.gserviceaccount.com:generateAccessToken\","
                    + "\"service_account_impersonation\":{\"token_lifetime_seconds\":43200}"));
    assertThat(c.serviceAccount()).contains("a@b.iam.gserviceaccount.com");
    assertThat(c.tokenLifetime()).isEqualTo(Duration.ofHours(12));
  }

  @Test
  void eachProblem_namesItsField() {
    assertThatThrownBy(() -> parse("{\"type\":\"external_account\"}"))
        .isInstanceOfSatisfying(
            CredentialConfigurationException.class,
            e -> assertThat(e.setting()).isEqualTo("test.json: audience"));
    assertThatThrownBy(
            () ->
                parse(
                    json(
                        "//iam.googleapis.com/locations/global/workforcePools/x/providers/y",
                        "{\"file\":\"/t\"}",
                        "")))
        .hasMessageContaining("workforce pool");
    assertThatThrownBy(
            () -> parse(json(PROVIDER, "{\"url\":\"http://169.254.169.254/token\"}", "")))
        .isInstanceOfSatisfying(
            CredentialConfigurationException.class,
            e -> assertThat(e.setting()).isEqualTo("test.json: credential_source.url"));
    assertThatThrownBy(() -> parse(json(PROVIDER, "\"nope\"", "")))
        .hasMessageContaining("must be a JSON object");
    assertThatThrownBy(
            () ->
                parse(
                    json(
                        PROVIDER,
                        "{\"file\":\"/t\"}",
                        ",\"service_account_impersonation\":{\"token_lifetime_seconds\":60}")))
        .hasMessageContaining("600 to 43200");
    assertThatThrownBy(
            () ->
                parse(
                    json(
                        PROVIDER,
                        "{\"file\":\"/t\"}",
                        ",\"service_account_impersonation_url\":\"https://x/y\"")))
        .hasMessageContaining(":generateAccessToken");
    assertThatThrownBy(
            () -> parse(json(PROVIDER, "{\"file\":\"/t\"}", ",\"token_url\":\"ftp://x/y\"")))
        .hasMessageContaining("https URL");
    assertThatThrownBy(() -> parse("[1,2]")).isInstanceOf(CredentialConfigurationException.class);
    assertThatThrownBy(() -> parse(json(PROVIDER, "{\"file\":\"/t\"}", "").replace("jwt", "saml2")))
        .hasMessageContaining("subject_token_type");
  }

  private static String withLifetime(String seconds) {
    return json(
        PROVIDER,
        "{\"file\":\"/t\"}",
        ",\"service_account_impersonation\":{\"token_lifetime_seconds\":" + seconds + "}");
  }

  @Test
  void aLifetimeOutsideLong_isRefused_notTruncatedToItsLowBits() {
    // 2^64 + 3600: longValue() would have kept 3600 and accepted it (issue 12)
    String wrapsTo3600 =
        java.math.BigInteger.TWO.pow(64).add(java.math.BigInteger.valueOf(3600)).toString();
    for (String bad :
        new String[] {
          wrapsTo3600, "-" + wrapsTo3600, "9223372036854775807", "1e999999999", "-1e999999999"
        }) {
      assertThatThrownBy(() -> parse(withLifetime(bad)))
          .as(bad)
          .isInstanceOfSatisfying(
              CredentialConfigurationException.class,
              e -> {
                assertThat(e.setting())
                    .isEqualTo("test.json: service_account_impersonation.token_lifetime_seconds");
                assertThat(e.getMessage()).contains("600 to 43200");
              });
    }
  }

  @Test
  void aLifetimeOutsideTheDocumentedRange_orNotWhole_isRefused() {
    for (String bad : new String[] {"599", "43201", "0", "-3600", "600.5", "\"3600\""}) {
      assertThatThrownBy(() -> parse(withLifetime(bad)))
          .as(bad)
          .isInstanceOfSatisfying(
              CredentialConfigurationException.class,
              e ->
                  assertThat(e.setting())
                      .endsWith("service_account_impersonation.token_lifetime_seconds"));
    }
    assertThat(parse(withLifetime("600")).tokenLifetime()).isEqualTo(Duration.ofSeconds(600));
    assertThat(parse(withLifetime("43200.0")).tokenLifetime()).isEqualTo(Duration.ofHours(12));
    assertThat(parse(withLifetime("3.6e3")).tokenLifetime()).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void theBuildersLifetime_isCheckedExactly() {
    ExternalAccountConfig.Builder b =
        ExternalAccountConfig.builder().audience(PROVIDER).subjectTokenFile(Path.of("/t"));
    assertThatThrownBy(() -> b.tokenLifetime(Duration.ofHours(12).plusNanos(1)).build())
        .isInstanceOf(CredentialConfigurationException.class)
        .hasMessageContaining("600 to 43200");
    assertThatThrownBy(() -> b.tokenLifetime(Duration.ofSeconds(Long.MAX_VALUE)).build())
        .isInstanceOf(CredentialConfigurationException.class);
    assertThat(b.tokenLifetime(Duration.ofMinutes(10)).build().tokenLifetime())
        .isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void aConfigurationFileThatNeverEnds_isRefused_afterABoundedRead(@TempDir Path dir)
      throws java.io.IOException {
    Path big = dir.resolve("big.json");
    try (var out = java.nio.file.Files.newOutputStream(big)) {
      byte[] spaces = new byte[64 * 1024];
      java.util.Arrays.fill(spaces, (byte) ' ');
      out.write('{');
      for (int i = 0; i < 32; i++) { // 2 MiB of whitespace: valid JSON, but no config is that big
        out.write(spaces);
      }
      out.write('}');
    }
    assertThatThrownBy(() -> ExternalAccountConfig.read(big))
        .isInstanceOfSatisfying(
            CredentialConfigurationException.class,
            e -> assertThat(e.getMessage()).contains("longer than 65536 bytes"));
  }

  @Test
  void theBuilder_validatesLikeTheParser() {
    ExternalAccountConfig c =
        ExternalAccountConfig.builder()
            .audience(PROVIDER)
            .subjectTokenFile(Path.of("/t"))
            .impersonate("app@p.iam.gserviceaccount.com")
            .tokenLifetime(Duration.ofMinutes(15))
            .quotaProjectId("billing")
            .build();
    assertThat(c.impersonationUrl().orElseThrow().toString())
        .isEqualTo(
            "https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/app@p.iam.gserviceaccount.com:generateAccessToken");
    assertThat(c.quotaProjectId()).contains("billing");
    assertThatThrownBy(() -> ExternalAccountConfig.builder().audience(PROVIDER).build())
        .isInstanceOfSatisfying(
            CredentialConfigurationException.class,
            e -> assertThat(e.setting()).isEqualTo("externalAccount: credential_source.file"));
  }
}
