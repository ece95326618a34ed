package dev.ephemera.aws.internal;

import dev.ephemera.core.CredentialConfigurationException;
import dev.ephemera.core.Environment;
import java.util.regex.Pattern;

/** STS role session names: validation, and a traceable default derived from the pod. */
public final class SessionNames {
  private static final Pattern VALID = Pattern.compile("[\\w+=,.@-]{2,64}");
  private static final Pattern INVALID_CHAR = Pattern.compile("[^\\w+=,.@-]");
  private static final String PREFIX = "ephemera-";

  private SessionNames() {}

  /**
   * Checks an explicit session name: 2..64 characters from letters, digits and {@code _+=,.@-}.
   *
   * @throws CredentialConfigurationException naming {@code setting}
   */
  public static String check(String name, String setting) {
    if (!VALID.matcher(name).matches()) {
      throw new CredentialConfigurationException(
          setting,
          "must be 2..64 characters of letters, digits and _+=,.@- (it names the session in"
              + " CloudTrail), not '"
              + name
              + "'");
    }
    return name;
  }

  /**
   * {@code ephemera-} followed by the pod name ({@code POD_NAME}, else {@code HOSTNAME}, which
   * Kubernetes sets to the pod name), else the process id: unique per pod, so CloudTrail shows
   * which pod acted. Invalid characters become {@code -}; the result is cut to 64 characters.
   */
  public static String derive(Environment env) {
    String base =
        env.get("POD_NAME")
            .or(() -> env.get("HOSTNAME"))
            .orElse("pid-" + ProcessHandle.current().pid());
    String name = PREFIX + INVALID_CHAR.matcher(base).replaceAll("-");
    return name.length() > 64 ? name.substring(0, 64) : name;
  }
}
