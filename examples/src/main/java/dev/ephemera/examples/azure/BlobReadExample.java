package dev.ephemera.examples.azure;

import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import dev.ephemera.azure.AzureWorkloadIdentity;
import dev.ephemera.core.Environment;
import java.io.PrintStream;

/**
 * Reads a blob from an AKS pod with Azure Workload Identity: Ephemera exchanges the projected
 * service-account token for an Entra ID access token for Storage, refreshes it ahead of expiry, and
 * the Blob client's bearer-token policy takes it from {@link
 * AzureWorkloadIdentity#tokenCredential()} on every request.
 *
 * <p>Reads {@code AZURE_CLIENT_ID}, {@code AZURE_TENANT_ID}, {@code AZURE_FEDERATED_TOKEN_FILE} and
 * {@code AZURE_AUTHORITY_HOST} (the Workload Identity webhook injects them), {@code
 * AZURE_STORAGE_BLOB_ENDPOINT} (e.g. {@code https://acme.blob.core.windows.net}), {@code
 * AZURE_STORAGE_CONTAINER} and {@code AZURE_STORAGE_BLOB}.
 */
public final class BlobReadExample {
  private BlobReadExample() {}

  /** Runs the example against the storage account the process environment names. */
  public static void main(String[] args) {
    run(Environment.system(), System.out);
  }

  /** Downloads the blob, prints its size and returns its content as UTF-8 text. */
  static String run(Environment env, PrintStream out) {
    try (AzureWorkloadIdentity identity = AzureWorkloadIdentity.fromEnvironment(env)) {
      BlobServiceClient storage =
          new BlobServiceClientBuilder()
              .endpoint(env.require("AZURE_STORAGE_BLOB_ENDPOINT"))
              .credential(identity.tokenCredential())
              .buildClient();
      BlobClient blob =
          storage
              .getBlobContainerClient(env.require("AZURE_STORAGE_CONTAINER"))
              .getBlobClient(env.require("AZURE_STORAGE_BLOB"));
      String text = blob.downloadContent().toString();
      out.printf("%s: %d characters%n", blob.getBlobUrl(), text.length());
      return text;
    }
  }
}
