/**
 * Ephemera for AWS: IRSA (STS AssumeRoleWithWebIdentity) and EKS Pod Identity, served through the
 * SDK's {@code AwsCredentialsProvider}. Exports the API package only.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module dev.ephemera.aws {
  requires transitive dev.ephemera.core;
  requires transitive software.amazon.awssdk.auth;
  requires transitive software.amazon.awssdk.identity.spi;
  requires transitive software.amazon.awssdk.regions;
  requires transitive software.amazon.awssdk.services.sts;
  requires software.amazon.awssdk.awscore;
  requires software.amazon.awssdk.core;
  requires software.amazon.awssdk.http;
  requires software.amazon.awssdk.http.urlconnection;
  requires software.amazon.awssdk.profiles;
  requires software.amazon.awssdk.protocols.jsoncore;
  requires software.amazon.awssdk.utils;
  requires software.amazon.awssdk.endpoints;
  requires java.net.http;
  requires java.xml;
  requires static org.jspecify;

  exports dev.ephemera.aws;
}
