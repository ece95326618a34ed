package dev.ephemera.core;

import org.jspecify.annotations.Nullable;

/**
 * The root of every exception Ephemera throws. Unchecked. Messages name what went wrong and never
 * contain secret values; upstream error bodies are truncated and scrubbed before they get here.
 */
public class CredentialException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * An exception with a message.
   *
   * @param message the message, with no secret in it
   */
  public CredentialException(String message) {
    super(message);
  }

  /**
   * An exception with a message and a cause.
   *
   * @param message the message, with no secret in it
   * @param cause the underlying failure
   */
  public CredentialException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
