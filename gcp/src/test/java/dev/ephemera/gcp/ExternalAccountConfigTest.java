package dev.ephemera.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ephemera.core.CredentialConfigurationException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

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
