package dev.ephemera.testkit.oidc;

/** A token failed verification; {@link #problem()} says which check. */
public final class TokenRejectedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Which check failed. */
  public enum Problem {
    /** Not a parseable, RS256-signed JWT. */
    MALFORMED,
    /** The signature does not verify against the issuer's keys. */
    BAD_SIGNATURE,
    /** {@code iss} is not this issuer. */
    WRONG_ISSUER,
    /** {@code aud} does not contain the expected audience. */
    WRONG_AUDIENCE,
    /** {@code exp} has passed. */
    EXPIRED,
    /** {@code nbf} is in the future. */
    NOT_YET_VALID
  }

  /** Which check failed. */
  private final Problem problem;

  /**
   * An exception for a failed check.
   *
   * @param problem the problem
   * @param message the message, with no secret in it
   */
  public TokenRejectedException(Problem problem, String message) {
    super(message);
    this.problem = problem;
  }

  /** {@return which check failed} */
  public Problem problem() {
    return problem;
  }
}
