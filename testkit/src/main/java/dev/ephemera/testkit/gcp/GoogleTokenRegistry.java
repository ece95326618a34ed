package dev.ephemera.testkit.gcp;

import dev.ephemera.testkit.Canary;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tokens the Google emulators minted, so each can check a bearer token the way Google would:
 * known, not expired, and (for a downscoped token) within its access boundary. Thread-safe.
 */
public final class GoogleTokenRegistry {
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, GoogleToken> tokens = new ConcurrentHashMap<>();

  private GoogleTokenRegistry(Clock clock) {
    this.clock = clock;
  }

  /**
   * {@return a registry that judges expiry on {@code clock}}
   *
   * @param clock the clock it runs on
   */
  public static GoogleTokenRegistry create(Clock clock) {
    return new GoogleTokenRegistry(Objects.requireNonNull(clock, "clock"));
  }

  /** {@return the clock expiries are judged on} */
  public Clock clock() {
    return clock;
  }

  /**
   * {@return a token that is known and not expired now}
   *
   * @param token the token
   */
  public Optional<GoogleToken> lookup(String token) {
    GoogleToken t = tokens.get(token);
    return t != null && t.expiresAt().isAfter(clock.instant()) ? Optional.of(t) : Optional.empty();
  }

  /**
   * {@return a token that was minted here, expired or not}
   *
   * @param token the token
   */
  public Optional<GoogleToken> find(String token) {
    return Optional.ofNullable(tokens.get(token));
  }

  /**
   * {@return the access boundary of a downscoped token, as the JSON the client sent}
   *
   * @param token the token
   */
  public Optional<String> accessBoundaryOf(String token) {
    return find(token).flatMap(GoogleToken::boundary);
  }

  /** {@return how many tokens were minted} */
  public int size() {
    return tokens.size();
  }

  /** Mints an opaque access token shaped like Google's ({@code ya29.}...) and records it. */
  String mint(GoogleToken info) {
    byte[] bytes = new byte[48];
    random.nextBytes(bytes);
    String token =
        "ya29."
            + info.minter()
            + "."
            + Canary.MARKER
            + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    tokens.put(token, info);
    return token;
  }

  /** Records a token minted elsewhere (an ID token). */
  void record(String token, GoogleToken info) {
    tokens.put(token, info);
  }

  /** Now, on the registry's clock. */
  Instant now() {
    return clock.instant();
  }
}
