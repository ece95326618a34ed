package dev.ephemera.testkit.aws;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Credentials an AWS emulator issued, as the upstream remembers them: what a test or a SigV4 peer
 * needs to check a request signed with them. {@link #toString()} hides the secret key and token.
 *
 * @param accessKeyId the access key id
 * @param secretAccessKey the secret access key
 * @param sessionToken the session token
 * @param expiration when they expire, on the emulator's clock
 * @param roleArn the role assumed
 * @param subject the {@code sub} of the token they were issued for
 * @param sessionName the role session name (empty for Pod Identity)
 * @param policy the inline session policy, or empty
 * @param policyArns the managed session policy ARNs
 * @param requestId the request id of the issuing response
 */
public record IssuedAwsCredentials(
    String accessKeyId,
    String secretAccessKey,
    String sessionToken,
    Instant expiration,
    String roleArn,
    String subject,
    String sessionName,
    Optional<String> policy,
    List<String> policyArns,
    String requestId) {

  /**
   * Validates and copies.
   *
   * @param accessKeyId the access key id
   * @param expiration when they expire, on the emulator's clock
   * @param policy the inline session policy, or empty
   * @param policyArns the managed session policy ARNs
   * @param requestId the request id of the issuing response
   * @param roleArn the role assumed
   * @param secretAccessKey the secret access key
   * @param sessionName the role session name (empty for Pod Identity)
   * @param sessionToken the session token
   * @param subject the {@code sub} of the token they were issued for
   */
  public IssuedAwsCredentials {
    Objects.requireNonNull(accessKeyId, "accessKeyId");
    Objects.requireNonNull(secretAccessKey, "secretAccessKey");
    Objects.requireNonNull(sessionToken, "sessionToken");
    Objects.requireNonNull(expiration, "expiration");
    Objects.requireNonNull(roleArn, "roleArn");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(sessionName, "sessionName");
    Objects.requireNonNull(policy, "policy");
    policyArns = List.copyOf(policyArns);
    Objects.requireNonNull(requestId, "requestId");
  }

  /**
   * {@return true while {@code now} is before the expiration}
   *
   * @param now the current instant
   */
  public boolean validAt(Instant now) {
    return now.isBefore(expiration);
  }

  @Override
  public String toString() {
    return "IssuedAwsCredentials[accessKeyId="
        + accessKeyId
        + ", roleArn="
        + roleArn
        + ", subject="
        + subject
        + ", expiration="
        + expiration
        + "]";
  }
}
