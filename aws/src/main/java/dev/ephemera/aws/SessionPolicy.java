package dev.ephemera.aws;

import dev.ephemera.core.Secret;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * How an STS session is narrowed below its role: an inline session policy (JSON) and/or up to ten
 * managed policy ARNs, sent as {@code Policy} and {@code PolicyArns} on {@code
 * AssumeRoleWithWebIdentity}. The session's permissions are the intersection of the role's and
 * these. An immutable value with equals/hashCode, so it can key {@code ScopedCredentials}.
 *
 * <p>Validated against the STS limits when built: the inline policy is 1..2048 characters from tab,
 * line feed, carriage return and {@code U+0020..U+00FF}; each ARN is an IAM policy ARN. Whether the
 * policy is well-formed IAM is STS's call ({@code MalformedPolicyDocument}).
 *
 * <pre>{@code
 * SessionPolicy reports = SessionPolicy.s3ReadOnly("acme-reports", "2026/");
 * }</pre>
 */
public final class SessionPolicy {
  /** The longest inline policy STS accepts, in characters. */
  public static final int MAX_INLINE_LENGTH = 2048;

  /** The most managed policy ARNs STS accepts. */
  public static final int MAX_POLICY_ARNS = 10;

  private static final Pattern POLICY_CHARS =
      Pattern.compile("[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+");
  private static final Pattern POLICY_ARN =
      Pattern.compile("arn:aws[a-z-]*:iam::(\\d{12}|aws):policy/[\\w+=,.@/-]{1,1024}");
  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

  private final @Nullable String inline;
  private final List<String> policyArns;
  private final String digest;

  private SessionPolicy(@Nullable String inline, List<String> policyArns) {
    this.inline = inline;
    this.policyArns = List.copyOf(policyArns);
    StringBuilder canonical = new StringBuilder();
    canonical.append(inline == null ? "" : inline);
    for (String arn : this.policyArns) {
      canonical.append('\n').append(arn);
    }
    this.digest = "sha256:" + Secret.fingerprintOf(canonical.toString());
  }

  /**
   * {@return an inline session policy}
   *
   * @param policyJson the policy json
   * @throws IllegalArgumentException if it is empty, longer than 2048 characters, or has a
   *     character STS refuses
   */
  public static SessionPolicy inline(String policyJson) {
    return new SessionPolicy(checkInline(policyJson), List.of());
  }

  /**
   * {@return managed policies by ARN}
   *
   * @param policyArns the policy arns
   * @throws IllegalArgumentException if there are none, more than ten, or one is not an IAM policy
   *     ARN
   */
  public static SessionPolicy managed(String... policyArns) {
    return new SessionPolicy(null, checkArns(List.of(policyArns)));
  }

  /**
   * {@return an inline policy and managed policies together}
   *
   * @param policyJson the policy json
   * @param policyArns the policy arns
   * @throws IllegalArgumentException as {@link #inline} and {@link #managed} do
   */
  public static SessionPolicy of(String policyJson, List<String> policyArns) {
    return new SessionPolicy(checkInline(policyJson), checkArns(policyArns));
  }

  /**
   * {@return read-only access to the objects under {@code prefix} in {@code bucket}: {@code
   * s3:GetObject} and {@code s3:GetObjectVersion} on {@code arn:aws:s3:::bucket/prefix*}, and
   * {@code s3:ListBucket} on the bucket limited to that prefix} An empty prefix means the whole
   * bucket.
   *
   * @param bucket the bucket name
   * @param prefix the object key prefix
   * @throws IllegalArgumentException if {@code bucket} is not a valid bucket name or {@code prefix}
   *     holds a character that would change the policy's meaning ({@code * ? " \})
   */
  public static SessionPolicy s3ReadOnly(String bucket, String prefix) {
    return s3ReadOnly("aws", bucket, prefix);
  }

  /**
   * {@return {@link #s3ReadOnly(String, String)} in another partition ({@code aws-cn}, {@code
   * aws-us-gov})}
   *
   * @param partition the partition
   * @param bucket the bucket name
   * @param prefix the object key prefix
   */
  public static SessionPolicy s3ReadOnly(String partition, String bucket, String prefix) {
    Objects.requireNonNull(partition, "partition");
    Objects.requireNonNull(bucket, "bucket");
    Objects.requireNonNull(prefix, "prefix");
    if (!partition.matches("aws[a-z-]*")) {
      throw new IllegalArgumentException("not an AWS partition: " + partition);
    }
    if (!BUCKET.matcher(bucket).matches() || bucket.contains("..")) {
      throw new IllegalArgumentException("not a valid S3 bucket name: " + bucket);
    }
    if (prefix.chars().anyMatch(c -> c == '*' || c == '?' || c == '"' || c == '\\' || c < 0x20)) {
      throw new IllegalArgumentException(
          "prefix must not contain *, ?, \", \\ or control characters: " + prefix);
    }
    String arn = "arn:" + partition + ":s3:::" + bucket;
    String policy =
        "{\"Version\":\"2012-10-17\",\"Statement\":["
            + "{\"Sid\":\"ReadObjects\",\"Effect\":\"Allow\","
            + "\"Action\":[\"s3:GetObject\",\"s3:GetObjectVersion\"],"
            + "\"Resource\":\""
            + arn
            + "/"
            + prefix
            + "*\"},"
            + "{\"Sid\":\"ListPrefix\",\"Effect\":\"Allow\",\"Action\":\"s3:ListBucket\","
            + "\"Resource\":\""
            + arn
            + "\""
            + (prefix.isEmpty()
                ? ""
                : ",\"Condition\":{\"StringLike\":{\"s3:prefix\":[\"" + prefix + "*\"]}}")
            + "}]}";
    return inline(policy);
  }

  /** {@return the inline policy JSON, if any} */
  public Optional<String> inlinePolicy() {
    return Optional.ofNullable(inline);
  }

  /** {@return the managed policy ARNs, possibly empty} */
  public List<String> policyArns() {
    return policyArns;
  }

  /**
   * {@return {@code sha256:} and 16 hex digits over the policy and ARNs: the audit {@code scope},
   * short and stable, so events can be grouped by scope without carrying the whole policy}
   */
  public String digest() {
    return digest;
  }

  private static String checkInline(String policyJson) {
    Objects.requireNonNull(policyJson, "policyJson");
    if (policyJson.isEmpty() || policyJson.length() > MAX_INLINE_LENGTH) {
      throw new IllegalArgumentException(
          "an inline session policy must have 1.."
              + MAX_INLINE_LENGTH
              + " characters, not "
              + policyJson.length());
    }
    if (!POLICY_CHARS.matcher(policyJson).matches()) {
      throw new IllegalArgumentException(
          "an inline session policy may only hold tab, CR, LF and U+0020..U+00FF");
    }
    return policyJson;
  }

  private static List<String> checkArns(List<String> arns) {
    Objects.requireNonNull(arns, "policyArns");
    if (arns.isEmpty() || arns.size() > MAX_POLICY_ARNS) {
      throw new IllegalArgumentException(
          "give 1.." + MAX_POLICY_ARNS + " managed policy ARNs, not " + arns.size());
    }
    List<String> out = new ArrayList<>(arns.size());
    for (String arn : arns) {
      Objects.requireNonNull(arn, "policy ARN");
      if (!POLICY_ARN.matcher(arn).matches()) {
        throw new IllegalArgumentException("not an IAM policy ARN: " + arn);
      }
      if (out.contains(arn)) {
        throw new IllegalArgumentException("policy ARN given twice: " + arn);
      }
      out.add(arn);
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SessionPolicy that
        && Objects.equals(inline, that.inline)
        && policyArns.equals(that.policyArns);
  }

  @Override
  public int hashCode() {
    return Objects.hash(inline, policyArns);
  }

  /** The digest and the ARNs; the inline policy is summarized by its length. */
  @Override
  public String toString() {
    return "SessionPolicy["
        + digest
        + (inline == null ? "" : ", inline=" + inline.length() + " chars")
        + (policyArns.isEmpty() ? "" : ", policyArns=" + policyArns)
        + "]";
  }
}
