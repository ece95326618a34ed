package dev.ephemera.aws.internal;

import dev.ephemera.aws.AwsSessionCredential;
import dev.ephemera.aws.SessionPolicy;
import dev.ephemera.core.CredentialUnavailableException;
import dev.ephemera.core.CredentialUnavailableException.Reason;
import dev.ephemera.core.Secret;
import dev.ephemera.core.spi.CredentialIssuer;
import dev.ephemera.core.spi.IssueResult;
import dev.ephemera.core.spi.IssuerInfo;
import dev.ephemera.core.spi.ProjectedToken;
import dev.ephemera.core.spi.http.HttpDate;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleWithWebIdentityRequest;
import software.amazon.awssdk.services.sts.model.AssumeRoleWithWebIdentityResponse;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.services.sts.model.PolicyDescriptorType;

/**
 * IRSA: one {@code AssumeRoleWithWebIdentity} call per issuance through the SDK's {@link
 * StsClient}, with the projected token read (and checked) from its file each time, because the
 * kubelet rotates it.
 *
 * <p>STS stamps an absolute {@code Expiration} on its own clock; its HTTP {@code Date} header is
 * passed on as {@link IssueResult#upstreamTime()} and dates the credential, so a local wall clock
 * that is off neither stops the source nor stretches the credential. A {@code Date} that does not
 * parse is not trusted: the credential is then dated on the local clock.
 */
public final class StsWebIdentityIssuer implements CredentialIssuer<AwsSessionCredential> {
  /** The provider name in audit events. */
  public static final String PROVIDER = "aws-irsa";

  private final StsClient sts;
  private final String roleArn;
  private final Path tokenFile;
  private final String tokenFileSetting;
  private final String sessionName;
  private final int durationSeconds;
  private final @Nullable SessionPolicy policy;
  private final Clock clock;
  private volatile IssuerInfo info;

  /**
   * An issuer.
   *
   * @param tokenFileSetting how the user named the token file, for errors
   * @param policy the session policy, or null for the role's full permissions
   */
  public StsWebIdentityIssuer(
      StsClient sts,
      String roleArn,
      Path tokenFile,
      String tokenFileSetting,
      String sessionName,
      int durationSeconds,
      @Nullable SessionPolicy policy,
      Clock clock) {
    this.sts = Objects.requireNonNull(sts, "sts");
    this.roleArn = Objects.requireNonNull(roleArn, "roleArn");
    this.tokenFile = Objects.requireNonNull(tokenFile, "tokenFile");
    this.tokenFileSetting = Objects.requireNonNull(tokenFileSetting, "tokenFileSetting");
    this.sessionName = Objects.requireNonNull(sessionName, "sessionName");
    this.durationSeconds = durationSeconds;
    this.policy = policy;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.info =
        new IssuerInfo(
            PROVIDER, peekSubject(tokenFile), roleArn, policy == null ? "" : policy.digest());
  }

  /** The same issuer narrowed by {@code scope}, sharing the STS client. */
  public StsWebIdentityIssuer scopedTo(@Nullable SessionPolicy scope) {
    return new StsWebIdentityIssuer(
        sts, roleArn, tokenFile, tokenFileSetting, sessionName, durationSeconds, scope, clock);
  }

  @Override
  public AwsSessionCredential issue() {
    return issueResult().credential();
  }

  @Override
  public IssueResult<AwsSessionCredential> issueResult() {
    // Pre-flight: a missing, empty or garbled file is a configuration error, reported (and audited
    // by the engine) without a useless round trip. Its expiry is STS's to judge, on STS's clock.
    ProjectedToken token = ProjectedToken.read(tokenFile, tokenFileSetting);
    if (!token.subject().equals(info.principal())) {
      info = info.withPrincipal(token.subject());
    }
    Secret jwt = token.token();
    AssumeRoleWithWebIdentityRequest.Builder request =
        AssumeRoleWithWebIdentityRequest.builder()
            .roleArn(roleArn)
            .roleSessionName(sessionName)
            .webIdentityToken(jwt.reveal())
            .durationSeconds(durationSeconds);
    if (policy != null) {
      policy.inlinePolicy().ifPresent(request::policy);
      if (!policy.policyArns().isEmpty()) {
        request.policyArns(
            policy.policyArns().stream()
                .map(arn -> PolicyDescriptorType.builder().arn(arn).build())
                .toList());
      }
    }
    AssumeRoleWithWebIdentityResponse response;
    try {
      response = sts.assumeRoleWithWebIdentity(request.build());
    } catch (SdkException e) {
      throw StsFailures.map(e, roleArn, jwt, clock.instant());
    } catch (RuntimeException e) {
      // A client of the user's own making can still trip over a hostile header inside the SDK
      // (a negative Retry-After throws IllegalArgumentException from its retry stage).
      throw StsFailures.unexpected(e, roleArn, jwt);
    } catch (StackOverflowError e) {
      // The SDK builds a DOM of the answer recursively: XML nested some ten thousand deep overflows
      // the stack. The client built here refuses such XML before parsing; one of the user's own
      // does not, and the overflow stops here, where the recursion that caused it is known.
      throw StsFailures.tooDeep(roleArn);
    }
    Instant upstreamTime = dateOf(response.sdkHttpResponse());
    return IssueResult.of(toCredential(response, upstreamTime)).withUpstreamTime(upstreamTime);
  }

  /** The response's {@code Date}: STS's clock when it answered; null when absent or garbled. */
  static @Nullable Instant dateOf(@Nullable SdkHttpResponse http) {
    if (http == null) {
      return null;
    }
    return http.firstMatchingHeader("Date").flatMap(HttpDate::parse).orElse(null);
  }

  private AwsSessionCredential toCredential(
      AssumeRoleWithWebIdentityResponse response, @Nullable Instant upstreamTime) {
    Credentials c = response.credentials();
    if (c == null
        || isBlank(c.accessKeyId())
        || isBlank(c.secretAccessKey())
        || isBlank(c.sessionToken())
        || c.expiration() == null) {
      throw new CredentialUnavailableException(
          Reason.MALFORMED_RESPONSE,
          "STS AssumeRoleWithWebIdentity for "
              + roleArn
              + " answered 200 without complete Credentials (AccessKeyId, SecretAccessKey,"
              + " SessionToken, Expiration)");
    }
    AwsSessionCredential.Builder b =
        AwsSessionCredential.builder()
            .accessKeyId(c.accessKeyId())
            .secretAccessKey(Secret.of(c.secretAccessKey()))
            .sessionToken(Secret.of(c.sessionToken()))
            .issuedAt(min(upstreamTime != null ? upstreamTime : clock.instant(), c.expiration()))
            .expiresAt(c.expiration())
            .providerName("Ephemera-IRSA");
    if (response.assumedRoleUser() != null && response.assumedRoleUser().arn() != null) {
      String arn = response.assumedRoleUser().arn();
      b.assumedRoleArn(arn);
      String[] parts = arn.split(":", 6);
      if (parts.length == 6 && parts[4].matches("\\d{12}")) {
        b.accountId(parts[4]);
      }
    }
    String requestId = response.responseMetadata().requestId();
    if (requestId != null && !requestId.equals("UNKNOWN")) {
      b.requestId(requestId);
    }
    return b.build();
  }

  @Override
  public IssuerInfo describe() {
    return info;
  }

  /** The role this issuer assumes. */
  public String roleArn() {
    return roleArn;
  }

  @Override
  public String toString() {
    return "StsWebIdentityIssuer[role="
        + roleArn
        + ", session="
        + sessionName
        + ", tokenFile="
        + tokenFile
        + (policy == null ? "" : ", scope=" + policy.digest())
        + "]";
  }

  private static java.time.Instant min(java.time.Instant a, java.time.Instant b) {
    return a.isBefore(b) ? a : b;
  }

  private static boolean isBlank(@Nullable String s) {
    return s == null || s.isBlank();
  }

  /** The token's sub for audit before the first issuance; empty if the file is not readable. */
  private String peekSubject(Path file) {
    try {
      return ProjectedToken.read(file, tokenFileSetting).subject();
    } catch (RuntimeException e) {
      return "";
    }
  }
}
