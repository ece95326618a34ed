package dev.ephemera.testkit.vault;

import static dev.ephemera.testkit.vault.VaultJson.errors;
import static dev.ephemera.testkit.vault.VaultJson.permissionDenied;
import static dev.ephemera.testkit.vault.VaultJson.rfc3339;
import static dev.ephemera.testkit.vault.VaultJson.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ephemera.testkit.Canary;
import dev.ephemera.testkit.emulator.EmulatedRequest;
import dev.ephemera.testkit.emulator.EmulatedResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Dynamic secrets and their leases (PROTOCOLS.md §4.5): reads of a mounted secret such as {@code
 * database/creds/<role>}, and {@code sys/leases/renew}, {@code sys/leases/revoke} and {@code
 * sys/leases/lookup} (with the legacy {@code sys/renew} and {@code sys/revoke}). Not thread-safe:
 * {@link VaultProtocol} serialises every call.
 */
final class VaultLeases {
  /** A mounted dynamic secret: every read creates a lease of {@code ttl}, capped at max. */
  record Spec(String path, Duration ttl, Duration maxTtl, boolean renewable) {}

  private final Clock clock;
  private final VaultTokens tokens;
  private final Map<String, Spec> secrets = new LinkedHashMap<>();
  private final Map<String, LeaseRecord> byId = new LinkedHashMap<>();

  VaultLeases(Clock clock, VaultTokens tokens) {
    this.clock = clock;
    this.tokens = tokens;
  }

  void addDynamicSecret(String path, Duration ttl, Duration maxTtl, boolean renew) {
    String p = VaultPaths.trimSlashes(VaultRole.requireText(path, "path"));
    secrets.put(
        p,
        new Spec(p, VaultRole.positive(ttl, "ttl"), VaultRole.positive(maxTtl, "maxTtl"), renew));
  }

  /** The dynamic secret mounted at {@code path}, or null. */
  @Nullable Spec secretAt(String path) {
    return secrets.get(path);
  }

  List<LeaseState> states() {
    Instant now = clock.instant();
    return byId.values().stream().map(l -> l.state(now)).toList();
  }

  // ------------------------------------------------------------------ the wire

  EmulatedResponse read(EmulatedRequest request, Spec spec) {
    TokenRecord t = tokens.caller(request);
    if (t == null) {
      return permissionDenied();
    }
    if (!request.method().equalsIgnoreCase("GET")) {
      return errors(405, List.of("unsupported operation"));
    }
    Instant now = clock.instant();
    Duration ttl = VaultTtl.min(spec.ttl(), spec.maxTtl());
    LeaseRecord l =
        new LeaseRecord(
            spec.path() + "/" + VaultIds.random(24),
            spec,
            t,
            new Lifetime(now, now.plus(ttl), now.plus(spec.maxTtl())));
    byId.put(l.id, l);
    ObjectNode root = VaultJson.envelope(null, List.of());
    root.put("lease_id", l.id);
    root.put("renewable", spec.renewable());
    root.put("lease_duration", ttl.toSeconds());
    ObjectNode data = root.putObject("data");
    String last = spec.path().substring(spec.path().lastIndexOf('/') + 1);
    data.put("username", "v-" + last + "-" + VaultIds.random(12));
    data.put("password", Canary.mark("A1a-", VaultIds.random(20), 24));
    return VaultJson.ok(root);
  }

  /** Renews the lease named in the body, or else in the path ({@code fromPath}). */
  EmulatedResponse renew(EmulatedRequest request, JsonNode body, String fromPath) {
    if (tokens.caller(request) == null) {
      return permissionDenied();
    }
    String id = text(body, "lease_id");
    if (id.isEmpty()) {
      id = fromPath;
    }
    LeaseRecord l = byId.get(id);
    Instant now = clock.instant();
    if (l == null) {
      return errors(400, List.of("lease not found or lease is not renewable"));
    }
    Ending ending = l.ending(now);
    if (ending == Ending.EXPIRED) {
      return errors(400, List.of("lease expired"));
    }
    if (ending != Ending.ALIVE) {
      return errors(400, List.of("lease not found or lease is not renewable"));
    }
    if (!l.spec.renewable()) {
      return errors(400, List.of("lease is not renewable"));
    }
    long requested = VaultTtl.increment(body).orElse(l.spec.ttl().toSeconds());
    Lifetime.Grant grant = l.life.renew(now, requested);
    if (grant == null) {
      return errors(400, List.of(Lifetime.PAST_MAX_TTL));
    }
    ObjectNode root = VaultJson.envelope(null, grant.warnings());
    root.put("lease_id", l.id);
    root.put("renewable", true);
    root.put("lease_duration", grant.ttl());
    return VaultJson.ok(root);
  }

  /** Revokes the lease named in the body, or else in the path ({@code fromPath}). */
  EmulatedResponse revoke(EmulatedRequest request, JsonNode body, String fromPath) {
    if (tokens.caller(request) == null) {
      return permissionDenied();
    }
    String id = text(body, "lease_id");
    if (id.isEmpty()) {
      id = fromPath;
    }
    LeaseRecord l = byId.get(id);
    Instant now = clock.instant();
    if (l != null && l.ending(now) == Ending.ALIVE) {
      l.life.revoke(now);
    }
    // Vault answers 204 whether or not the lease still existed: revocation is idempotent.
    return VaultJson.noContent();
  }

  EmulatedResponse lookup(EmulatedRequest request, JsonNode body) {
    if (tokens.caller(request) == null) {
      return permissionDenied();
    }
    LeaseRecord l = byId.get(text(body, "lease_id"));
    Instant now = clock.instant();
    if (l == null || l.ending(now) != Ending.ALIVE) {
      return errors(400, List.of("invalid lease"));
    }
    Instant lastRenewal = l.life.lastRenewal();
    ObjectNode data = VaultJson.NODES.objectNode();
    data.put("id", l.id);
    data.put("issue_time", rfc3339(l.life.issuedAt()));
    data.put("expire_time", rfc3339(l.life.expiresAt()));
    if (lastRenewal == null) {
      data.putNull("last_renewal_time");
    } else {
      data.put("last_renewal_time", rfc3339(lastRenewal));
    }
    data.put("renewable", l.spec.renewable());
    data.put("ttl", Duration.between(now, l.life.expiresAt()).toSeconds());
    return VaultJson.data(data);
  }
}
