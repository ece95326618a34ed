package dev.ephemera.testkit.aws;

import java.time.Duration;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A role in {@link StsEmulator}'s trust table: its ARN, maximum session duration and the {@code
 * sub} claims its trust policy admits (PROTOCOLS.md §1.1).
 */
record StsRole(String arn, Duration maxSession, Set<String> subjects) {
  /** A role ARN: account in group 1, role name (after any path) in group 2. */
  static final Pattern ARN =
      Pattern.compile("arn:aws[a-z-]*:iam::(\\d{12}):role/(?:[\\w+=,.@-]+/)*([\\w+=,.@-]+)");

  /** The role's account id. */
  String account() {
    Matcher m = ARN.matcher(arn);
    return m.matches() ? m.group(1) : "111122223333";
  }

  /** The role's name, without its path. */
  String name() {
    Matcher m = ARN.matcher(arn);
    return m.matches() ? m.group(2) : "role";
  }
}
