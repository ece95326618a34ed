package dev.ephemera.examples.readme;

// README:begin aws
import dev.ephemera.aws.AwsCredentialSources;
import dev.ephemera.aws.AwsSessionCredential;
import dev.ephemera.aws.EphemeraAwsCredentialsProvider;
import dev.ephemera.aws.SessionPolicy;
import dev.ephemera.core.CredentialSource;
import dev.ephemera.core.Environment;
import dev.ephemera.core.scope.ScopedCredentials;
import java.net.URL;
import java.time.Duration;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

// README:end aws

/** README's AWS section, as compiled and run by {@link AwsSnippetTest}. */
final class AwsSnippet {
  private AwsSnippet() {}

  // README:begin aws
  /**
   * {@code env}: {@code Environment.system()} in a pod, what EKS injected (IRSA or Pod Identity).
   */
  static URL reports(Environment env) {
    try (CredentialSource<AwsSessionCredential> aws = AwsCredentialSources.fromEnvironment(env);
        S3Client s3 =
            S3Client.builder()
                .credentialsProvider(
                    EphemeraAwsCredentialsProvider.of(aws)) // no allocation per call
                .build();
        // One refreshed source per session policy: a credential narrowed to one bucket prefix
        ScopedCredentials<SessionPolicy, AwsSessionCredential> scoped =
            AwsCredentialSources.irsaFromEnvironment(env).buildScoped();
        // URLs valid for an hour, signed with a credential that lasts at least that long: the
        // session must be longer (AWS_ROLE_SESSION_DURATION=7200, within the role's maximum)
        S3Presigner presigner =
            S3Presigner.builder()
                .credentialsProvider(
                    EphemeraAwsCredentialsProvider.of(aws).lasting(Duration.ofHours(1)))
                .build()) {
      AwsSessionCredential reportsOnly =
          scoped.get(SessionPolicy.s3ReadOnly("acme-reports", "2026/"));
      System.out.println("scoped to acme-reports/2026/: " + reportsOnly.id());
      return presigner
          .presignGetObject(
              r ->
                  r.signatureDuration(Duration.ofHours(1))
                      .getObjectRequest(g -> g.bucket("acme-reports").key("2026/q1.csv")))
          .url();
    }
  }
  // README:end aws
}
