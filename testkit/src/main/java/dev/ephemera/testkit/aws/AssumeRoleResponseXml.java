package dev.ephemera.testkit.aws;

import static dev.ephemera.testkit.aws.StsXml.esc;

import dev.ephemera.testkit.oidc.VerifiedToken;
import java.time.format.DateTimeFormatter;

/**
 * Renders the {@code AssumeRoleWithWebIdentityResponse} XML of a success (PROTOCOLS.md §1.1): the
 * subject, audience, assumed-role user, credentials, packed policy size and provider.
 */
final class AssumeRoleResponseXml {
  private AssumeRoleResponseXml() {}

  /**
   * The response for credentials {@code c} issued under {@code role} to {@code token}.
   *
   * @param roleIdPrefix the {@code AROA...} id of the emulator's assumed roles
   */
  static String render(
      StsRole role,
      VerifiedToken token,
      String audience,
      String roleIdPrefix,
      IssuedAwsCredentials c) {
    String account = role.account();
    String sessionName = c.sessionName();
    String provider =
        "arn:aws:iam::"
            + account
            + ":oidc-provider/"
            + token.issuer().replaceFirst("^https?://", "");
    StringBuilder xml = new StringBuilder(1024);
    xml.append("<AssumeRoleWithWebIdentityResponse xmlns=\"")
        .append(StsXml.NS)
        .append("\">\n")
        .append("  <AssumeRoleWithWebIdentityResult>\n")
        .append("    <SubjectFromWebIdentityToken>")
        .append(esc(token.subject()))
        .append("</SubjectFromWebIdentityToken>\n")
        .append("    <Audience>")
        .append(esc(audience))
        .append("</Audience>\n")
        .append("    <AssumedRoleUser>\n")
        .append("      <Arn>arn:aws:sts::")
        .append(account)
        .append(":assumed-role/")
        .append(esc(role.name()))
        .append('/')
        .append(esc(sessionName))
        .append("</Arn>\n")
        .append("      <AssumedRoleId>")
        .append(roleIdPrefix)
        .append(':')
        .append(esc(sessionName))
        .append("</AssumedRoleId>\n")
        .append("    </AssumedRoleUser>\n")
        .append("    <Credentials>\n")
        .append("      <AccessKeyId>")
        .append(c.accessKeyId())
        .append("</AccessKeyId>\n")
        .append("      <SecretAccessKey>")
        .append(esc(c.secretAccessKey()))
        .append("</SecretAccessKey>\n")
        .append("      <SessionToken>")
        .append(esc(c.sessionToken()))
        .append("</SessionToken>\n")
        .append("      <Expiration>")
        .append(DateTimeFormatter.ISO_INSTANT.format(c.expiration()))
        .append("</Expiration>\n")
        .append("    </Credentials>\n");
    if (c.policy().isPresent() || !c.policyArns().isEmpty()) {
      xml.append("    <PackedPolicySize>")
          .append(packedPolicySize(c.policy().map(String::length).orElse(0), c.policyArns().size()))
          .append("</PackedPolicySize>\n");
    }
    xml.append("    <Provider>")
        .append(esc(provider))
        .append("</Provider>\n")
        .append("  </AssumeRoleWithWebIdentityResult>\n")
        .append("  <ResponseMetadata>\n")
        .append("    <RequestId>")
        .append(c.requestId())
        .append("</RequestId>\n")
        .append("  </ResponseMetadata>\n")
        .append("</AssumeRoleWithWebIdentityResponse>\n");
    return xml.toString();
  }

  /** The percentage of the packed-policy quota used, 1..100: 2048 characters, 64 per ARN. */
  private static int packedPolicySize(int policyLength, int policyArns) {
    int packed = (int) Math.min(100, Math.ceil((policyLength + 64.0 * policyArns) * 100 / 2048));
    return Math.max(1, packed);
  }
}
