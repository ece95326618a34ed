package dev.ephemera.core;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A setting is missing, malformed or contradicts another. {@link #setting()} names it the way the
 * user wrote it (an environment variable, a builder method, a file path), so the fix is obvious.
 */
public final class CredentialConfigurationException extends CredentialException {
  private static final long serialVersionUID = 1L;

  /** The setting at fault, as the user wrote it (a variable, a builder method, a path). */
  private final String setting;

  /**
   * An exception about one setting.
   *
   * @param setting the setting's name, e.g. {@code AWS_ROLE_ARN} or {@code roleArn}
   * @param problem what is wrong with it, e.g. {@code "is not set"}
   */
  public CredentialConfigurationException(String setting, String problem) {
    this(setting, problem, null);
  }

  /**
   * An exception about one setting, with the cause (for example an I/O error).
   *
   * @param setting the setting's name, e.g. {@code AWS_ROLE_ARN} or {@code roleArn}
   * @param problem what is wrong with it, e.g. {@code "is not set"}
   * @param cause the underlying failure
   */
  public CredentialConfigurationException(
      String setting, String problem, @Nullable Throwable cause) {
    super(Objects.requireNonNull(setting, "setting") + " " + problem, cause);
    this.setting = setting;
  }

  /** {@return the name of the setting that is wrong} */
  public String setting() {
    return setting;
  }
}
