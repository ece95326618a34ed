package dev.ephemera.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ephemera.core.CredentialConfigurationException;
import dev.ephemera.core.Environment;
import dev.ephemera.gcp.GoogleWorkloadIdentity.Mode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How fromEnvironment() chooses, and how it reports what is wrong. No network is used. */
class GoogleWorkloadIdentityTest {
  @SuppressWarnings("NullAway.Init")
  @TempDir
  Path dir;

  private static final String PROVIDER =
      "//iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/pool/providers/k8s";

  private Path config(String json) throws IOException {
    Path file = dir.resolve("config.json");
    Files.writeString(file, json);
    return file;
  }

  private String externalAccount(String extra) {
    return "{\"type\":\"external_account\",\"audience\":\""
        + PROVIDER
        + "\",\"subject_token_type\":\"urn:ietf:params:oauth:token-type:jwt\","
        + "\"token_url\":\"https://sts.googleapis.com/v1/token\","
        + "\"credential_source\":{\"file\":\""
        + dir.resolve("token")
        + "\",\"format\":{\"type\":\"text\"}}"
        + extra
        + "}";
  }

  private static GoogleWorkloadIdentity from(Map<String, String> env) {
    return GoogleWorkloadIdentity.fromEnvironment(Environment.of(env));
  }

  @Test
  void googleApplicationCredentials_withAnExternalAccount_meansFederation() throws IOException {
    Path file =
        config(
            externalAccount(
                ",\"service_account_impersonation_url\":\"https://iamcredentials.googleapis.com/v1/"
                    + "projects/-/serviceAccounts/app@p.iam.gserviceaccount.com:generateAccessToken\","
                    + "\"service_account_impersonation\":{\"token_lifetime_seconds\":1800}"));
    GoogleWorkloadIdentity gcp =
        from(Map.of("GOOGLE_APPLICATION_CREDENTIALS", file.toString(), "GCE_METADATA_HOST", "x:1"));
    assertThat(gcp.mode()).isEqualTo(Mode.FEDERATION);
    ExternalAccountConfig c = gcp.externalAccount().orElseThrow();
    assertThat(c.audience()).isEqualTo(PROVIDER);
    assertThat(c.serviceAccount()).contains("app@p.iam.gserviceaccount.com");
    assertThat(c.tokenLifetime()).hasSeconds(1800);
    assertThat(c.subjectTokenFile()).isEqualTo(dir.resolve("token"));
    assertThat(gcp.accessTokenIssuer().describe().target())
        .isEqualTo("app@p.iam.gserviceaccount.com");
  }

  @Test
  void withoutCredentials_theMetadataServerAtGceMetadataHost_isUsed() {
    GoogleWorkloadIdentity gcp = from(Map.of("GCE_METADATA_HOST", "127.0.0.1:8080"));
    assertThat(gcp.mode()).isEqualTo(Mode.METADATA_SERVER);
    assertThat(gcp.metadataServer()).contains(URI.create("http://127.0.0.1:8080"));
    assertThat(gcp.scopes()).containsExactly(GoogleWorkloadIdentity.CLOUD_PLATFORM);
  }

  @Test
  void withNothingSet_theLinkLocalMetadataAddress_isTheDefault_andNothingIsCalled() {
    GoogleWorkloadIdentity gcp = from(Map.of());
    assertThat(gcp.metadataServer()).contains(URI.create("http://169.254.169.254"));
  }

  @Test
  void noGceCheck_withNothingElse_isAClearConfigurationError() {
    assertThatThrownBy(() -> from(Map.of("NO_GCE_CHECK", "true")))
        .isInstanceOfSatisfying(
            CredentialConfigurationException.class,
            e -> {
              assertThat(e.setting()).isEqualTo("GOOGLE_APPLICATION_CREDENTIALS");
              assertThat(e.getMessage()).contains("NO_GCE_CHECK");
            });
  }

  @Test
  void aMissingCredentialsFile_namesTheVariable() {
    assertThatThrownBy(
            () ->
                from(Map.of("GOOGLE_APPLICATION_CREDENTIALS", dir.resolve("nope.json").toString())))
        .isInstanceOfSatisfying(
            CredentialConfigurationException.class,
            e -> {
              assertThat(e.setting()).startsWith("GOOGLE_APPLICATION_CREDENTIALS");
              assertThat(e.getMessage()).contains("does not exist");
            });
  }

  @Test
  void malformedJson_isAConfigurationError_notAParserStackTrace() throws IOException {
    Path file = config("{\"type\": \"external_account\", \"audience\": ");
    assertThatThrownBy(() -> from(Map.of("GOOGLE_APPLICATION_CREDENTIALS", file.toString())))
        .isInstanceOfSatisfying(
            CredentialConfigurationException.class,
            e -> {
              assertThat(e.getMessage()).contains("is not a JSON object");
              assertThat(e.getCause()).isNull();
            });
  }

  @Test
  void aServiceAccountKey_isRefused_withAReason() throws IOException {
    Path file =
        config("{\"type\":\"service_account\",\"private_key\":\"-----BEGIN PRIVATE KEY-----\"}");
    assertThatThrownBy(() -> from(Map.of("GOOGLE_APPLICATION_CREDENTIALS", file.toString())))
        .isInstanceOf(CredentialConfigurationException.class)
        .hasMessageContaining("keyless")
        .hasMessageNotContaining("BEGIN PRIVATE KEY");
  }

  @Test
  void plainHttpTokenUrl_toARemoteHost_isRefused_unlessAllowed() throws IOException {
    Path file =
        config(externalAccount("").replace("https://sts.googleapis.com", "http://sts.example.com"));
    Map<String, String> env = Map.of("GOOGLE_APPLICATION_CREDENTIALS", file.toString());
    assertThatThrownBy(() -> from(env))
        .isInstanceOfSatisfying(
            CredentialConfigurationException.class,
            e -> assertThat(e.setting()).isEqualTo("token_url"));
    assertThat(
            GoogleWorkloadIdentity.builder()
                .environment(Environment.of(env))
                .allowPlainHttp(true)
                .build()
                .mode())
        .isEqualTo(Mode.FEDERATION);
  }

  @Test
  void aMetadataHostThatIsNotHostAndPort_isRefused() {
    assertThatThrownBy(() -> from(Map.of("GCE_METADATA_HOST", "http://evil.example.com/x")))
        .isInstanceOfSatisfying(
            CredentialConfigurationException.class,
            e -> assertThat(e.setting()).isEqualTo("GCE_METADATA_HOST"));
    assertThatThrownBy(() -> from(Map.of("GCE_METADATA_HOST", "metadata.example.com")))
        .isInstanceOf(CredentialConfigurationException.class)
        .hasMessageContaining("plain http");
  }

  @Test
  void explicitSettings_winOverTheEnvironment() throws IOException {
    Path file = config(externalAccount(""));
    GoogleWorkloadIdentity gcp =
        GoogleWorkloadIdentity.builder()
            .environment(Environment.of(Map.of("GCE_METADATA_HOST", "127.0.0.1:1")))
            .credentialConfigFile(file)
            .scopes("https://www.googleapis.com/auth/devstorage.read_only")
            .build();
    assertThat(gcp.mode()).isEqualTo(Mode.FEDERATION);
    assertThat(gcp.scopes())
        .containsExactly("https://www.googleapis.com/auth/devstorage.read_only");
    assertThat(gcp.toString()).contains("FEDERATION");
  }

  @Test
  void malformedScopes_areRefused() {
    assertThatThrownBy(() -> GoogleWorkloadIdentity.builder().scopes("a b"))
        .isInstanceOfSatisfying(
            CredentialConfigurationException.class,
            e -> assertThat(e.setting()).isEqualTo("scopes"));
  }

  @Test
  void idTokens_withABlankAudience_areRefused() {
    GoogleWorkloadIdentity gcp = from(Map.of("GCE_METADATA_HOST", "127.0.0.1:8080"));
    assertThatThrownBy(() -> gcp.idTokenIssuer(" "))
        .isInstanceOfSatisfying(
            CredentialConfigurationException.class,
            e -> assertThat(e.setting()).isEqualTo("audience"));
  }
}
