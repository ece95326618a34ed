package dev.ephemera.testkit.gcp;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What an emulator recorded about a token it minted.
 *
 * @param minter the emulator that minted it ({@code metadata}, {@code sts}, {@code iam})
 * @param principal who the token acts as (a service account email or a federated principal)
 * @param scopes the OAuth scopes it carries
 * @param expiresAt when it stops working, on the emulators' clock
 * @param accessBoundary the Credential Access Boundary it is limited to, as the JSON the client
 *     sent; {@code null} when it is not downscoped
 */
public record GoogleToken(
    String minter,
    String principal,
    List<String> scopes,
    Instant expiresAt,
    @Nullable String accessBoundary) {

  /**
   * Copies the scopes.
   *
   * @param accessBoundary the Credential Access Boundary it is limited to, as the JSON the client
   *     sent; {@code null} when it is not downscoped
   * @param expiresAt when it stops working, on the emulators' clock
   * @param minter the emulator that minted it ({@code metadata}, {@code sts}, {@code iam})
   * @param principal who the token acts as (a service account email or a federated principal)
   * @param scopes the OAuth scopes it carries
   */
  public GoogleToken {
    Objects.requireNonNull(minter, "minter");
    Objects.requireNonNull(principal, "principal");
    scopes = List.copyOf(scopes);
    Objects.requireNonNull(expiresAt, "expiresAt");
  }

  /** {@return the access boundary, if the token is downscoped} */
  public Optional<String> boundary() {
    return Optional.ofNullable(accessBoundary);
  }
}
