package dev.ephemera.testkit.vault;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** One token {@link VaultTokens} issued, with its secret value (PROTOCOLS.md §4.2, §4.3). */
final class TokenRecord {
  final String value;
  final String accessor;
  final String authPath;
  final VaultRole role;
  final Map<String, String> metadata;
  final Lifetime life;

  TokenRecord(
      String value,
      String accessor,
      String authPath,
      VaultRole role,
      Map<String, String> metadata,
      Lifetime life) {
    this.value = value;
    this.accessor = accessor;
    this.authPath = authPath;
    this.role = role;
    this.metadata = metadata;
    this.life = life;
  }

  /** The identity entity the token belongs to: one per role, the same in every answer. */
  String entityId() {
    return UUID.nameUUIDFromBytes(role.name().getBytes(StandardCharsets.UTF_8)).toString();
  }

  boolean alive(Instant now) {
    return life.ending(now) == Ending.ALIVE;
  }

  /** {@code default} first, then the role's other policies. */
  List<String> policies() {
    List<String> p = new ArrayList<>();
    p.add("default");
    role.policies().stream().filter(x -> !x.equals("default")).forEach(p::add);
    return p;
  }

  TokenState state(Instant now) {
    return new TokenState(
        accessor,
        authPath,
        role.name(),
        policies(),
        life.issuedAt(),
        life.expiresAt(),
        life.maxExpiresAt(),
        life.renewals(),
        life.ending(now),
        life.endedAt(now));
  }
}
