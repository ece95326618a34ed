package dev.ephemera.examples.aws;

import dev.ephemera.aws.AwsCredentialSources;
import dev.ephemera.aws.AwsSessionCredential;
import dev.ephemera.aws.EphemeraAwsCredentialsProvider;
import dev.ephemera.core.CredentialSource;
import dev.ephemera.core.Environment;
import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Lists the objects of an S3 bucket from an EKS pod with IRSA: Ephemera exchanges the projected
 * service-account token for STS session credentials, keeps them fresh in memory, and the S3 client
 * signs every request with whatever is current through {@link EphemeraAwsCredentialsProvider}.
 *
 * <p>Reads {@code AWS_ROLE_ARN}, {@code AWS_WEB_IDENTITY_TOKEN_FILE} and {@code AWS_REGION} (EKS
 * injects them; optionally {@code AWS_ENDPOINT_URL_STS}), {@code S3_BUCKET}, optionally {@code
 * S3_PREFIX}, and optionally {@code AWS_ENDPOINT_URL_S3} for an S3 VPC endpoint or an S3-compatible
 * store.
 */
public final class S3ListingExample {
  private S3ListingExample() {}

  public static void main(String[] args) {
    run(Environment.system(), System.out);
  }

  /** Lists {@code S3_BUCKET} under {@code S3_PREFIX}, one line per object; returns the keys. */
  static List<String> run(Environment env, PrintStream out) {
    String bucket = env.require("S3_BUCKET");
    String prefix = env.get("S3_PREFIX").orElse("");
    try (CredentialSource<AwsSessionCredential> aws = AwsCredentialSources.fromEnvironment(env);
        S3Client s3 = s3(env, EphemeraAwsCredentialsProvider.of(aws))) {
      return list(s3, bucket, prefix, out);
    }
  }

  /** An S3 client for {@code AWS_REGION}, signing with {@code credentials}. */
  static S3Client s3(Environment env, AwsCredentialsProvider credentials) {
    S3ClientBuilder builder =
        S3Client.builder()
            .region(Region.of(env.require("AWS_REGION")))
            .httpClientBuilder(UrlConnectionHttpClient.builder())
            .credentialsProvider(credentials);
    env.get("AWS_ENDPOINT_URL_S3").map(URI::create).ifPresent(builder::endpointOverride);
    return builder.build();
  }

  /** Prints and returns the keys under {@code prefix}, following continuation tokens. */
  static List<String> list(S3Client s3, String bucket, String prefix, PrintStream out) {
    List<String> keys = new ArrayList<>();
    for (S3Object object :
        s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix)).contents()) {
      out.printf("s3://%s/%s  %d bytes%n", bucket, object.key(), object.size());
      keys.add(object.key());
    }
    return keys;
  }
}
