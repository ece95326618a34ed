package dev.ephemera.examples.scoped;

import dev.ephemera.aws.AwsCredentialSources;
import dev.ephemera.aws.AwsSessionCredential;
import dev.ephemera.aws.EphemeraAwsCredentialsProvider;
import dev.ephemera.aws.SessionPolicy;
import dev.ephemera.core.Environment;
import dev.ephemera.core.scope.ScopedCredentials;
import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Least privilege per tenant: the pod's role can read every tenant's bucket, but each tenant's work
 * runs with a session narrowed by an inline session policy to read-only access on that one bucket,
 * so a bug in one tenant's code path cannot touch another's data. {@link ScopedCredentials} keeps
 * one refreshed source per policy and closes those left unused.
 *
 * <p>Reads the IRSA variables ({@code AWS_ROLE_ARN}, {@code AWS_WEB_IDENTITY_TOKEN_FILE}, {@code
 * AWS_REGION}, optionally {@code AWS_ENDPOINT_URL_STS}), {@code S3_BUCKETS} (comma-separated),
 * optionally {@code S3_PREFIX}, and optionally {@code AWS_ENDPOINT_URL_S3}.
 */
public final class ScopedS3Example {
  private ScopedS3Example() {}

  /** Runs the example with the process environment. */
  public static void main(String[] args) {
    run(Environment.system(), System.out);
  }

  /** Lists each bucket with credentials that can read only that bucket; keys by bucket. */
  static Map<String, List<String>> run(Environment env, PrintStream out) {
    String prefix = env.get("S3_PREFIX").orElse("");
    Map<String, List<String>> listings = new LinkedHashMap<>();
    try (ScopedCredentials<SessionPolicy, AwsSessionCredential> perBucket =
        AwsCredentialSources.irsaFromEnvironment(env).buildScoped()) {
      for (String bucket : env.require("S3_BUCKETS").split(",")) {
        SessionPolicy readOnly = SessionPolicy.s3ReadOnly(bucket.strip(), prefix);
        var credentials = EphemeraAwsCredentialsProvider.of(perBucket.source(readOnly));
        try (S3Client s3 = s3(env).credentialsProvider(credentials).build()) {
          List<String> keys = new ArrayList<>();
          for (S3Object o :
              s3.listObjectsV2Paginator(r -> r.bucket(bucket.strip()).prefix(prefix)).contents()) {
            keys.add(o.key());
          }
          out.printf(
              "%s (policy %s): %d objects%n", bucket.strip(), readOnly.digest(), keys.size());
          listings.put(bucket.strip(), keys);
        }
      }
    }
    return listings;
  }

  /** An S3 client builder for {@code AWS_REGION} and, if set, {@code AWS_ENDPOINT_URL_S3}. */
  static S3ClientBuilder s3(Environment env) {
    S3ClientBuilder builder =
        S3Client.builder()
            .region(Region.of(env.require("AWS_REGION")))
            .httpClientBuilder(UrlConnectionHttpClient.builder());
    env.get("AWS_ENDPOINT_URL_S3").map(URI::create).ifPresent(builder::endpointOverride);
    return builder;
  }
}
