package dev.ephemera.examples.gcp;

import com.google.api.client.http.GenericUrl;
import com.google.api.client.http.HttpRequestFactory;
import com.google.api.client.http.HttpResponse;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.auth.http.HttpCredentialsAdapter;
import dev.ephemera.core.BearerToken;
import dev.ephemera.core.CredentialSource;
import dev.ephemera.core.Environment;
import dev.ephemera.gcp.EphemeraGoogleCredentials;
import dev.ephemera.gcp.GoogleWorkloadIdentity;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Reads a Cloud Storage object's metadata from a GKE pod with Workload Identity: Ephemera gets the
 * pod's access token from the GKE metadata server and keeps it fresh; {@link
 * EphemeraGoogleCredentials} plugs it into google-http-client through {@link
 * HttpCredentialsAdapter}, exactly as Google's API client libraries take credentials.
 *
 * <p>Reads {@code GCS_BUCKET}, {@code GCS_OBJECT}, optionally {@code GCE_METADATA_HOST} (default
 * {@code 169.254.169.254}) or {@code GOOGLE_APPLICATION_CREDENTIALS} (an {@code external_account}
 * file for Workload Identity Federation outside GKE), and optionally {@code STORAGE_EMULATOR_HOST}
 * (a Storage root other than {@code https://storage.googleapis.com}).
 */
public final class GcsReadExample {
  private GcsReadExample() {}

  /** Runs the example with the process environment. */
  public static void main(String[] args) {
    run(Environment.system(), System.out);
  }

  /** Fetches the object's metadata (JSON API) and returns it as text. */
  static String run(Environment env, PrintStream out) {
    String root = env.get("STORAGE_EMULATOR_HOST").orElse("https://storage.googleapis.com");
    String bucket = env.require("GCS_BUCKET");
    String object = env.require("GCS_OBJECT");
    GoogleWorkloadIdentity gcp = GoogleWorkloadIdentity.fromEnvironment(env);
    try (CredentialSource<BearerToken> tokens = gcp.accessTokens()) {
      HttpRequestFactory storage =
          new NetHttpTransport()
              .createRequestFactory(
                  new HttpCredentialsAdapter(EphemeraGoogleCredentials.of(tokens)));
      GenericUrl url =
          new GenericUrl(
              root
                  + "/storage/v1/b/"
                  + bucket
                  + "/o/"
                  + URLEncoder.encode(object, StandardCharsets.UTF_8));
      HttpResponse response = storage.buildGetRequest(url).execute();
      try {
        String metadata = response.parseAsString();
        out.printf("gs://%s/%s: %s%n", bucket, object, metadata);
        return metadata;
      } finally {
        response.disconnect();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read gs://" + bucket + "/" + object, e);
    }
  }
}
