package dev.ephemera.examples.readme;

// README:begin azure
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import dev.ephemera.azure.AzureWorkloadIdentity;
import dev.ephemera.core.BearerToken;
import dev.ephemera.core.CredentialSource;
import dev.ephemera.core.Environment;

// README:end azure

/** README's Azure section, as compiled and run by {@link AzureSnippetTest}. */
final class AzureSnippet {
  private AzureSnippet() {}

  // README:begin azure
  /** {@code env}: {@code Environment.system()} in a pod the webhook gave the AZURE_* variables. */
  static String tokens(Environment env) {
    try (AzureWorkloadIdentity azure = AzureWorkloadIdentity.fromEnvironment(env)) {
      BlobServiceClient blobs =
          new BlobServiceClientBuilder()
              .endpoint("https://myaccount.blob.core.windows.net")
              .credential(azure.tokenCredential()) // any Azure SDK client, one line
              .buildClient();
      BearerToken vault = azure.token("https://vault.azure.net/.default"); // a token per scope
      CredentialSource<BearerToken> arm = azure.source("https://management.azure.com/.default");
      arm.subscribe(t -> System.out.println("ARM token rotated: " + t.id())); // never the token
      return vault.id() + " " + arm.get().id() + " " + blobs.getAccountName();
    }
  }
  // README:end azure
}
