package dev.ephemera.examples.readme;

// README:begin gcp
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import dev.ephemera.core.BearerToken;
import dev.ephemera.core.CredentialSource;
import dev.ephemera.core.Environment;
import dev.ephemera.gcp.EphemeraGoogleCredentials;
import dev.ephemera.gcp.GoogleWorkloadIdentity;

// README:end gcp

/** README's Google section, as compiled and run by {@link GcpSnippetTest}. */
final class GcpSnippet {
  private GcpSnippet() {}

  // README:begin gcp
  /** {@code env}: {@code Environment.system()} in a GKE pod (or with a WIF config file). */
  static String report(Environment env) throws Exception {
    GoogleWorkloadIdentity gcp =
        GoogleWorkloadIdentity.fromEnvironment(env); // metadata server or WIF
    try (CredentialSource<BearerToken> tokens = gcp.accessTokens(); // cloud-platform scope
        CredentialSource<BearerToken> run = gcp.idTokens("https://api-xyz.a.run.app");
        Storage storage =
            StorageOptions.http()
                .setCredentials(EphemeraGoogleCredentials.of(tokens)) // Ephemera refreshes it
                .setProjectId("acme-analytics") // named, so the client looks nothing up
                .setHost(env.get("STORAGE_EMULATOR_HOST").orElse("https://storage.googleapis.com"))
                .build()
                .getService()) {
      Blob q1 = storage.get(BlobId.of("acme-reports", "2026/q1.csv"));
      BearerToken forCloudRun = run.get(); // Authorization: Bearer <id token>
      return q1.getName() + " " + forCloudRun.id();
    }
  }
  // README:end gcp
}
