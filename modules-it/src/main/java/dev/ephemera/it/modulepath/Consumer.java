package dev.ephemera.it.modulepath;

import dev.ephemera.aws.AwsCredentialSources;
import dev.ephemera.aws.AwsSessionCredential;
import dev.ephemera.aws.EphemeraAwsCredentialsProvider;
import dev.ephemera.azure.AzureWorkloadIdentity;
import dev.ephemera.core.BearerToken;
import dev.ephemera.core.CredentialSource;
import dev.ephemera.core.CredentialSources;
import dev.ephemera.core.Secret;
import dev.ephemera.core.spi.CredentialIssuer;
import dev.ephemera.core.spi.IssuerInfo;
import dev.ephemera.gcp.EphemeraGoogleCredentials;
import dev.ephemera.gcp.GoogleWorkloadIdentity;
import dev.ephemera.vault.VaultCredentials;
import dev.ephemera.vault.VaultLogin;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What an application on the module path does: builds a source of each backend through its builder
 * and wraps one in each vendor adapter, using exported packages only. Nothing is fetched (prefetch
 * is off and no endpoint is called); building is what loads each vendor SDK's classes and services
 * on the module path.
 */
public final class Consumer {
  private Consumer() {}

  /**
   * Builds and closes one source per backend.
   *
   * @param tokenFile a projected-token file (it is not read while nothing is fetched)
   * @return what was built, one line each
   */
  public static List<String> buildEverything(Path tokenFile) {
    List<String> built = new ArrayList<>();
    Instant now = Clock.systemUTC().instant();
    CredentialIssuer<BearerToken> fixed =
        CredentialIssuer.of(
            IssuerInfo.of("module-path", "consumer", "itself"),
            () -> BearerToken.of(Secret.of("t0k3n"), now, now.plus(Duration.ofHours(1))));
    try (CredentialSource<BearerToken> core = CredentialSources.refreshing(fixed).build()) {
      built.add("core: " + core.get().id());
      built.add("gcp adapter: " + EphemeraGoogleCredentials.of(core).getAuthenticationType());
    }
    try (CredentialSource<AwsSessionCredential> irsa =
        AwsCredentialSources.irsa()
            .roleArn("arn:aws:iam::123456789012:role/app")
            .webIdentityTokenFile(tokenFile)
            .region("eu-west-1")
            .stsEndpoint(URI.create("http://127.0.0.1:9"))
            .prefetch(false)
            .build()) {
      EphemeraAwsCredentialsProvider provider = EphemeraAwsCredentialsProvider.of(irsa);
      built.add("aws: " + irsa.status().state() + " via " + provider.getClass().getSimpleName());
    }
    GoogleWorkloadIdentity gcp =
        GoogleWorkloadIdentity.builder().metadataServer("127.0.0.1:9").prefetch(false).build();
    try (CredentialSource<BearerToken> tokens = gcp.accessTokens()) {
      built.add("gcp: " + tokens.status().state());
    }
    try (AzureWorkloadIdentity azure =
        AzureWorkloadIdentity.builder()
            .clientId("00000000-0000-0000-0000-000000000001")
            .tenantId("00000000-0000-0000-0000-000000000002")
            .tokenFile(tokenFile)
            .authorityHost("https://login.microsoftonline.com/")
            .instanceDiscovery(false)
            .prefetch(false)
            .build()) {
      built.add(
          "azure: "
              + azure.source("https://storage.azure.com/.default").status().state()
              + " via "
              + azure.tokenCredential().getClass().getSimpleName());
    }
    try (VaultCredentials vault =
        VaultCredentials.builder()
            .address("http://127.0.0.1:9")
            .login(VaultLogin.kubernetes("app", tokenFile))
            .prefetch(false)
            .build()) {
      built.add("vault: " + vault.tokens().status().state());
    }
    return built;
  }
}
