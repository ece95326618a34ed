package dev.ephemera.testkit.aws;

/**
 * The errors STS answers {@code AssumeRoleWithWebIdentity} with: code, HTTP status, fault type and
 * a realistic message. The emulator raises most of them from real checks; {@link
 * StsEmulator#failNext(StsError)} forces any of them.
 */
public enum StsError {
  /** The token did not validate (signature, issuer, audience). */
  INVALID_IDENTITY_TOKEN(
      "InvalidIdentityToken",
      400,
      "Sender",
      "Couldn't retrieve verification key from your identity provider,  please reference"
          + " AssumeRoleWithWebIdentity documentation for requirements"),
  /** The token has expired. */
  EXPIRED_TOKEN(
      "ExpiredTokenException",
      400,
      "Sender",
      "Token expired: current date/time must be before the expiration date/time"),
  /** STS could not reach the identity provider. */
  IDP_COMMUNICATION_ERROR(
      "IDPCommunicationError",
      400,
      "Sender",
      "The request could not be fulfilled because the identity provider (IDP) that was asked to"
          + " verify the incoming identity token could not be reached."),
  /** The identity provider rejected the claim. */
  IDP_REJECTED_CLAIM(
      "IDPRejectedClaim", 403, "Sender", "The identity provider rejected the claim in the token."),
  /** STS is not activated in this region. */
  REGION_DISABLED(
      "RegionDisabledException",
      403,
      "Sender",
      "STS is not activated in this region for account. Your account administrator can activate"
          + " STS in this region using the IAM Console."),
  /** The session policy is not valid. */
  MALFORMED_POLICY_DOCUMENT(
      "MalformedPolicyDocument", 400, "Sender", "The policy is not in the valid JSON format."),
  /** The session policies are too large once packed. */
  PACKED_POLICY_TOO_LARGE(
      "PackedPolicyTooLarge",
      400,
      "Sender",
      "Packed size of inline session policy, managed policy ARNs and tags exceeds the limit."),
  /** The role's trust policy does not allow this caller. */
  ACCESS_DENIED(
      "AccessDenied", 403, "Sender", "Not authorized to perform sts:AssumeRoleWithWebIdentity"),
  /** A parameter violated a constraint. */
  VALIDATION_ERROR("ValidationError", 400, "Sender", "1 validation error detected"),
  /** Too many requests. */
  THROTTLING("Throttling", 400, "Sender", "Rate exceeded"),
  /** An internal failure. */
  INTERNAL_FAILURE("InternalFailure", 500, "Receiver", "An internal error has occurred."),
  /** The service is unavailable. */
  SERVICE_UNAVAILABLE("ServiceUnavailable", 503, "Receiver", "Service is unavailable.");

  private final String code;
  private final int status;
  private final String type;
  private final String message;

  StsError(String code, int status, String type, String message) {
    this.code = code;
    this.status = status;
    this.type = type;
    this.message = message;
  }

  /** {@return the exact {@code <Code>}} */
  public String code() {
    return code;
  }

  /** {@return the HTTP status} */
  public int status() {
    return status;
  }

  /** {@return {@code Sender} or {@code Receiver}} */
  public String type() {
    return type;
  }

  /** {@return a realistic {@code <Message>}} */
  public String message() {
    return message;
  }
}
