package dev.ephemera.testkit.vault;

import static dev.ephemera.testkit.vault.VaultJson.NODES;
import static dev.ephemera.testkit.vault.VaultJson.errors;
import static dev.ephemera.testkit.vault.VaultJson.permissionDenied;
import static dev.ephemera.testkit.vault.VaultJson.rfc3339;
import static dev.ephemera.testkit.vault.VaultTtl.min;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ephemera.testkit.emulator.EmulatedRequest;
import dev.ephemera.testkit.emulator.EmulatedResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Vault's token store and the token self-management endpoints {@code auth/token/lookup-self},
 * {@code auth/token/renew-self} and {@code auth/token/revoke-self} (PROTOCOLS.md §4.3, §4.4), plus
 * the {@code auth} block a successful login answers with (§4.2). Not thread-safe: {@link
 * VaultProtocol} serialises every call.
 */
final class VaultTokens {
  private final Clock clock;
  private final Duration systemMaxTtl;
  private final Map<String, TokenRecord> byValue = new LinkedHashMap<>();
  private final List<TokenRecord> all = new ArrayList<>();

  VaultTokens(Clock clock, Duration systemMaxTtl) {
    this.clock = clock;
    this.systemMaxTtl = systemMaxTtl;
  }

  /** Issues a token for a login that passed, and answers with its {@code auth} block. */
  EmulatedResponse login(String authPath, VaultRole role, Map<String, String> metadata) {
    Instant now = clock.instant();
    Duration max = min(role.maxTtl(), systemMaxTtl);
    Duration ttl = min(role.ttl(), max);
    String value = VaultIds.token();
    TokenRecord t =
        new TokenRecord(
            value,
            VaultIds.random(24),
            authPath,
            role,
            Map.copyOf(metadata),
            new Lifetime(now, now.plus(ttl), now.plus(max)));
    all.add(t);
    byValue.put(value, t);
    return VaultJson.ok(VaultJson.envelope(authBlock(t, ttl.toSeconds()), List.of()))
        .withHeader("Cache-Control", "no-store");
  }

  /** The live token a request presents ({@code X-Vault-Token} or a bearer token), or null. */
  @Nullable TokenRecord caller(EmulatedRequest request) {
    String value = request.header("x-vault-token").orElse("");
    if (value.isEmpty()) {
      String authz = request.header("authorization").orElse("");
      if (authz.regionMatches(true, 0, "Bearer ", 0, 7)) {
        value = authz.substring(7).strip();
      }
    }
    TokenRecord t = byValue.get(value);
    return t != null && t.alive(clock.instant()) ? t : null;
  }

  EmulatedResponse renewSelf(EmulatedRequest request, JsonNode body) {
    TokenRecord t = caller(request);
    if (t == null) {
      return permissionDenied();
    }
    if (!t.role.renewable()) {
      return errors(400, List.of("lease is not renewable"));
    }
    Instant now = clock.instant();
    long requested = VaultTtl.increment(body).orElse(t.role.ttl().toSeconds());
    Lifetime.Grant grant = t.life.renew(now, requested);
    if (grant == null) {
      return errors(400, List.of(Lifetime.PAST_MAX_TTL));
    }
    return VaultJson.ok(VaultJson.envelope(authBlock(t, grant.ttl()), grant.warnings()));
  }

  EmulatedResponse revokeSelf(EmulatedRequest request) {
    TokenRecord t = caller(request);
    if (t == null) {
      return permissionDenied();
    }
    t.life.revoke(clock.instant());
    return VaultJson.noContent();
  }

  EmulatedResponse lookupSelf(EmulatedRequest request) {
    TokenRecord t = caller(request);
    if (t == null) {
      return permissionDenied();
    }
    Instant now = clock.instant();
    Instant lastRenewal = t.life.lastRenewal();
    ObjectNode data = NODES.objectNode();
    data.put("accessor", t.accessor);
    data.put("creation_time", t.life.issuedAt().getEpochSecond());
    data.put("creation_ttl", min(t.role.ttl(), min(t.role.maxTtl(), systemMaxTtl)).toSeconds());
    data.put("display_name", t.authPath.split("/")[1] + "-" + t.role.name());
    data.put("entity_id", t.entityId());
    data.put("expire_time", rfc3339(t.life.expiresAt()));
    data.put("explicit_max_ttl", 0);
    data.put("id", t.value);
    data.putNull("identity_policies");
    data.put("issue_time", rfc3339(t.life.issuedAt()));
    if (lastRenewal != null) {
      data.put("last_renewal_time", lastRenewal.getEpochSecond());
    }
    ObjectNode meta = data.putObject("meta");
    t.metadata.forEach(meta::put);
    data.put("num_uses", 0);
    data.put("orphan", true);
    data.put("path", t.authPath);
    data.put("period", 0);
    ArrayNode policies = data.putArray("policies");
    t.policies().forEach(policies::add);
    data.put("renewable", t.role.renewable());
    data.put("ttl", Math.max(0, Duration.between(now, t.life.expiresAt()).toSeconds()));
    data.put("type", "service");
    return VaultJson.data(data);
  }

  /** Revokes every live token with this accessor, as an operator would. */
  void revokeByAccessor(String accessor) {
    Instant now = clock.instant();
    for (TokenRecord t : all) {
      if (t.accessor.equals(accessor) && t.alive(now)) {
        t.life.revoke(now);
      }
    }
  }

  List<TokenState> states() {
    Instant now = clock.instant();
    return all.stream().map(t -> t.state(now)).toList();
  }

  Optional<String> accessorOf(String token) {
    return Optional.ofNullable(byValue.get(token)).map(t -> t.accessor);
  }

  private static ObjectNode authBlock(TokenRecord t, long leaseDuration) {
    ObjectNode auth = NODES.objectNode();
    auth.put("client_token", t.value);
    auth.put("accessor", t.accessor);
    ArrayNode policies = auth.putArray("policies");
    t.policies().forEach(policies::add);
    ArrayNode tokenPolicies = auth.putArray("token_policies");
    t.policies().forEach(tokenPolicies::add);
    auth.putNull("identity_policies");
    ObjectNode meta = auth.putObject("metadata");
    t.metadata.forEach(meta::put);
    auth.put("lease_duration", leaseDuration);
    auth.put("renewable", t.role.renewable());
    auth.put("entity_id", t.entityId());
    auth.put("token_type", "service");
    auth.put("orphan", true);
    auth.putNull("mfa_requirement");
    auth.put("num_uses", 0);
    return auth;
  }
}
