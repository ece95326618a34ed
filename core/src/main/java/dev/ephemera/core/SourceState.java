package dev.ephemera.core;

/** Where a {@link CredentialSource} is in its life. */
public enum SourceState {
  /** No credential has been issued yet; the first is being fetched or will be on first use. */
  STARTING,
  /** A valid credential is held and the last refresh (if any) succeeded. */
  VALID,
  /** A valid credential is held, but refreshing it is failing; it is served until it expires. */
  DEGRADED,
  /** No valid credential is held: the last one expired, or the first issuance failed. */
  UNAVAILABLE,
  /** {@link CredentialSource#close()} was called. */
  CLOSED;

  /** {@return true when {@code get()} answers without waiting} */
  public boolean isServing() {
    return this == VALID || this == DEGRADED;
  }
}
