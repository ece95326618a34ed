/**
 * Ephemera for Google Cloud: GKE metadata server tokens, Workload Identity Federation and
 * downscoped tokens, served through {@code GoogleCredentials}. Exports the API package only.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module dev.ephemera.gcp {
  requires transitive dev.ephemera.core;
  requires transitive com.google.auth.oauth2;
  requires transitive com.google.auth;
  requires com.google.api.client;
  requires com.google.api.client.http.apache.v2;
  requires com.google.api.client.json.gson;
  requires org.apache.httpcomponents.httpclient;
  requires org.apache.httpcomponents.httpcore;
  requires static org.jspecify;

  exports dev.ephemera.gcp;
}
