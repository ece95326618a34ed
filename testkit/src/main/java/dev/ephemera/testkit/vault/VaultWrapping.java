package dev.ephemera.testkit.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ephemera.testkit.emulator.EmulatedRequest;
import dev.ephemera.testkit.emulator.EmulatedResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Response wrapping: single-use wrapping tokens and {@code sys/wrapping/unwrap} (Vault's
 * response-wrapping API, used for AppRole secret ids; PROTOCOLS.md §4.1). Not thread-safe: {@link
 * VaultProtocol} serialises every call.
 */
final class VaultWrapping {
  private static final class Wrapped {
    final Instant expiresAt;
    final ObjectNode data;
    boolean used;

    Wrapped(Instant expiresAt, ObjectNode data) {
      this.expiresAt = expiresAt;
      this.data = data;
    }
  }

  private final Clock clock;
  private final VaultTokens tokens;
  private final Map<String, Wrapped> wrapped = new LinkedHashMap<>();

  VaultWrapping(Clock clock, VaultTokens tokens) {
    this.clock = clock;
    this.tokens = tokens;
  }

  /** Wraps {@code data} for {@code ttl}; returns the wrapping token. */
  String wrap(ObjectNode data, Duration ttl) {
    String token = VaultIds.token();
    wrapped.put(token, new Wrapped(clock.instant().plus(ttl), data));
    return token;
  }

  /**
   * Unwraps the token named in the body (the caller must then present a live token) or else the one
   * presented as {@code X-Vault-Token}.
   */
  EmulatedResponse unwrap(EmulatedRequest request, JsonNode body) {
    String token = VaultJson.text(body, "token");
    if (token.isEmpty()) {
      token = request.header("x-vault-token").orElse("");
    } else if (tokens.caller(request) == null) {
      return VaultJson.permissionDenied();
    }
    Wrapped w = wrapped.get(token);
    if (w == null || w.used || !clock.instant().isBefore(w.expiresAt)) {
      return VaultJson.errors(400, List.of("wrapping token is not valid or does not exist"));
    }
    w.used = true;
    return VaultJson.data(w.data);
  }
}
