/**
 * Ephemera for Azure: Workload Identity (federated token to Entra ID), served through azure-core's
 * {@code TokenCredential}. Exports the API package only.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module dev.ephemera.azure {
  requires transitive dev.ephemera.core;
  requires transitive com.azure.core;
  requires com.azure.identity;
  requires com.azure.core.http.jdk.httpclient;
  requires com.microsoft.aad.msal4j;
  requires java.net.http;
  requires static org.jspecify;

  exports dev.ephemera.azure;
}
