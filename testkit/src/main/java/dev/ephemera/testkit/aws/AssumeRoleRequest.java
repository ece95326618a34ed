package dev.ephemera.testkit.aws;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.ephemera.testkit.emulator.EmulatedResponse;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The parameters of an {@code AssumeRoleWithWebIdentity} request and their validation (PROTOCOLS.md
 * §1.1): the action and version, the members' length and range constraints reported as one {@code
 * ValidationError}, then the session policy and policy ARNs.
 *
 * @param roleArn {@code RoleArn}
 * @param sessionName {@code RoleSessionName}
 * @param token {@code WebIdentityToken}
 * @param durationText {@code DurationSeconds} as sent (default 3600)
 * @param duration {@code DurationSeconds}, or -1 when not a number
 * @param policy {@code Policy}, or null
 * @param policyArns {@code PolicyArns.member.N.arn}, in order
 */
record AssumeRoleRequest(
    String roleArn,
    String sessionName,
    String token,
    String durationText,
    long duration,
    @Nullable String policy,
    List<String> policyArns) {
  private static final Pattern SESSION_NAME = Pattern.compile("[\\w+=,.@-]{2,64}");
  private static final Pattern POLICY_ARN =
      Pattern.compile("arn:aws[a-z-]*:iam::(\\d{12}|aws):policy/[\\w+=,.@/-]+");

  /** STS's refusal of the {@code Action} or {@code Version} in {@code p}, or null. */
  static @Nullable EmulatedResponse actionError(Map<String, String> p) {
    String action = p.getOrDefault("Action", "");
    if (!action.equals("AssumeRoleWithWebIdentity")) {
      return StsXml.error(
          400,
          "Sender",
          action.isEmpty() ? "MissingAction" : "InvalidAction",
          "Could not find operation " + action + " for version " + p.getOrDefault("Version", ""));
    }
    if (!"2011-06-15".equals(p.get("Version"))) {
      return StsXml.error(400, "Sender", "InvalidAction", "Unsupported Version");
    }
    return null;
  }

  /** The request's parameters from the merged query and form {@code p}. */
  static AssumeRoleRequest from(Map<String, String> p) {
    String durationText = p.getOrDefault("DurationSeconds", "3600");
    long duration;
    try {
      duration = Long.parseLong(durationText);
    } catch (NumberFormatException e) {
      duration = -1;
    }
    List<String> policyArns = new ArrayList<>();
    for (int i = 1; p.containsKey("PolicyArns.member." + i + ".arn"); i++) {
      policyArns.add(p.get("PolicyArns.member." + i + ".arn"));
    }
    return new AssumeRoleRequest(
        p.getOrDefault("RoleArn", ""),
        p.getOrDefault("RoleSessionName", ""),
        p.getOrDefault("WebIdentityToken", ""),
        durationText,
        duration,
        p.get("Policy"),
        policyArns);
  }

  /** The {@code ValidationError} listing every constraint violated, or null. */
  @Nullable EmulatedResponse constraintError() {
    List<String> violations = new ArrayList<>();
    if (roleArn.length() < 20 || roleArn.length() > 2048) {
      violations.add(constraint(roleArn, "roleArn", "Member must have length between 20 and 2048"));
    }
    if (!SESSION_NAME.matcher(sessionName).matches()) {
      violations.add(
          constraint(
              sessionName,
              "roleSessionName",
              "Member must satisfy regular expression pattern: [\\w+=,.@-]* and have length"
                  + " between 2 and 64"));
    }
    if (token.length() < 4 || token.length() > 20000) {
      violations.add(
          "Value at 'webIdentityToken' failed to satisfy constraint: Member must have length between 4 and 20000");
    }
    if (duration < 900) {
      violations.add(
          constraint(
              durationText,
              "durationSeconds",
              "Member must have value greater than or equal to 900"));
    } else if (duration > 43200) {
      violations.add(
          constraint(
              durationText,
              "durationSeconds",
              "Member must have value less than or equal to 43200"));
    }
    if (policy != null && (policy.isEmpty() || policy.length() > 2048)) {
      violations.add(
          "Value at 'policy' failed to satisfy constraint: Member must have length between 1 and 2048");
    }
    if (policyArns.size() > 10) {
      violations.add(
          "Value at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to 10");
    }
    if (violations.isEmpty()) {
      return null;
    }
    return StsXml.validationError(
        violations.size()
            + " validation error"
            + (violations.size() == 1 ? "" : "s")
            + " detected: "
            + String.join("; ", violations));
  }

  /** STS's refusal of a session policy that is not JSON or a malformed policy ARN, or null. */
  @Nullable EmulatedResponse policyError() {
    if (policy != null && !isJsonObject(policy)) {
      return StsXml.error(StsError.MALFORMED_POLICY_DOCUMENT);
    }
    for (String arn : policyArns) {
      if (!POLICY_ARN.matcher(arn).matches()) {
        return StsXml.error(400, "Sender", "InvalidParameterValue", "Invalid policy ARN: " + arn);
      }
    }
    return null;
  }

  private static String constraint(String value, String member, String rule) {
    String shown = value.length() > 64 ? value.substring(0, 64) + "..." : value;
    return "Value '" + shown + "' at '" + member + "' failed to satisfy constraint: " + rule;
  }

  private static boolean isJsonObject(String text) {
    try {
      JSONObjectUtils.parse(text);
      return true;
    } catch (ParseException | RuntimeException e) {
      return false;
    }
  }
}
