package dev.ephemera.examples.readme;

// README:begin gcp
import com.google.api.client.http.HttpRequestFactory;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.auth.http.HttpCredentialsAdapter;
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
  static String tokens(Environment env) {
    GoogleWorkloadIdentity gcp =
        GoogleWorkloadIdentity.fromEnvironment(env); // metadata server or WIF
    try (CredentialSource<BearerToken> tokens = gcp.accessTokens(); // cloud-platform scope
        CredentialSource<BearerToken> run = gcp.idTokens("https://api-xyz.a.run.app")) {
      // Google's clients take it as their credentials: google-cloud-storage's
      // StorageOptions.newBuilder().setCredentials(...), or google-http-client as here
      HttpRequestFactory http =
          new NetHttpTransport()
              .createRequestFactory(
                  new HttpCredentialsAdapter(EphemeraGoogleCredentials.of(tokens)));
      BearerToken forCloudRun = run.get(); // Authorization: Bearer <id token>
      return tokens.get().id() + " " + forCloudRun.id() + " " + http.getTransport();
    }
  }
  // README:end gcp
}
