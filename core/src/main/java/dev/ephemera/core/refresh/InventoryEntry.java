package dev.ephemera.core.refresh;

import dev.ephemera.core.SourceState;
import dev.ephemera.core.internal.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One live source, as the {@link CredentialInventory} lists it: who it is, what it reaches, and how
 * long its credential lives. Contains no secret: the credential appears by its id.
 *
 * @param name the source's name
 * @param provider the backend, e.g. {@code aws-irsa}
 * @param principal the workload's identity, e.g. the projected token's {@code sub}
 * @param target what it assumes or logs into: role ARN, service account, client id, Vault role
 * @param scope how the credential is narrowed (empty: not narrowed beyond the target)
 * @param state where the source is in its life
 * @param credentialId the held credential's id, or {@code null} when none is held
 * @param issuedAt when the held credential was issued, or {@code null}
 * @param expiresAt when it expires, or {@code null}
 * @param at when this entry was taken, on the source's clock
 * @param builtAt when the source was built
 * @param rotations how many times the source changed credential (a new id)
 * @param issuances issuances and renewals that succeeded
 * @param failures refresh attempts that failed
 * @param lastFailure the last failure's reason ({@code THROTTLED}, ...), or {@code null} after a
 *     success
 */
public record InventoryEntry(
    String name,
    String provider,
    String principal,
    String target,
    String scope,
    SourceState state,
    @Nullable String credentialId,
    @Nullable Instant issuedAt,
    @Nullable Instant expiresAt,
    Instant at,
    Instant builtAt,
    long rotations,
    long issuances,
    long failures,
    @Nullable String lastFailure) {
  /**
   * Checks the required parts are there.
   *
   * @param name the source's name
   * @param provider the backend, e.g. {@code aws-irsa}
   * @param principal the workload's identity, e.g. the projected token's {@code sub}
   * @param target what it assumes or logs into: role ARN, service account, client id, Vault role
   * @param scope how the credential is narrowed (empty: not narrowed beyond the target)
   * @param state where the source is in its life
   * @param credentialId the held credential's id, or {@code null} when none is held
   * @param issuedAt when the held credential was issued, or {@code null}
   * @param expiresAt when it expires, or {@code null}
   * @param at when this entry was taken, on the source's clock
   * @param builtAt when the source was built
   * @param rotations how many times the source changed credential (a new id)
   * @param issuances issuances and renewals that succeeded
   * @param failures refresh attempts that failed
   * @param lastFailure the last failure's reason ({@code THROTTLED}, ...), or {@code null} after a
   *     success
   */
  public InventoryEntry {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(builtAt, "builtAt");
  }

  /** {@return how long the held credential lives, issue to expiry, if one is held} */
  public Optional<Duration> lifetime() {
    return issuedAt == null || expiresAt == null
        ? Optional.empty()
        : Optional.of(Duration.between(issuedAt, expiresAt));
  }

  /** {@return how old the held credential is, if one is held} */
  public Optional<Duration> age() {
    return issuedAt == null ? Optional.empty() : Optional.of(Duration.between(issuedAt, at));
  }

  /** {@return how long until the held credential expires, if one is held} */
  public Optional<Duration> timeToExpiry() {
    return expiresAt == null ? Optional.empty() : Optional.of(Duration.between(at, expiresAt));
  }

  /** {@return whether the credential is narrowed beyond its target} */
  public boolean scoped() {
    return !scope.isBlank();
  }

  /** {@return this entry as one JSON object} */
  public String toJson() {
    StringBuilder sb = new StringBuilder(320).append('{');
    field(sb, "name", name);
    field(sb, "provider", provider);
    field(sb, "principal", principal);
    field(sb, "target", target);
    field(sb, "scope", scope);
    field(sb, "state", state.name());
    if (credentialId != null) {
      field(sb, "credentialId", credentialId);
    }
    if (issuedAt != null) {
      field(sb, "issuedAt", issuedAt.toString());
    }
    if (expiresAt != null) {
      field(sb, "expiresAt", expiresAt.toString());
    }
    lifetime().ifPresent(d -> sb.append("\"lifetimeSeconds\":").append(d.toSeconds()).append(','));
    age().ifPresent(d -> sb.append("\"ageSeconds\":").append(d.toSeconds()).append(','));
    timeToExpiry()
        .ifPresent(d -> sb.append("\"timeToExpirySeconds\":").append(d.toSeconds()).append(','));
    field(sb, "builtAt", builtAt.toString());
    if (lastFailure != null) {
      field(sb, "lastFailure", lastFailure);
    }
    sb.append("\"rotations\":").append(rotations).append(',');
    sb.append("\"issuances\":").append(issuances).append(',');
    sb.append("\"failures\":").append(failures);
    return sb.append('}').toString();
  }

  private static void field(StringBuilder sb, String name, String value) {
    Json.quote(sb.append('"').append(name).append("\":"), value).append(',');
  }
}
