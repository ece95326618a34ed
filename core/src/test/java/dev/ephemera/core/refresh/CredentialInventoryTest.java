package dev.ephemera.core.refresh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ephemera.core.BearerToken;
import dev.ephemera.core.CredentialSources;
import dev.ephemera.core.SourceState;
import dev.ephemera.core.audit.AuditEventType;
import dev.ephemera.core.internal.Json;
import dev.ephemera.core.spi.CredentialIssuer;
import dev.ephemera.core.spi.IssuerInfo;
import dev.ephemera.core.testing.ManualTime;
import dev.ephemera.core.testing.RecordingListener;
import dev.ephemera.core.testing.ScriptedIssuer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CredentialInventoryTest {
  private static final Duration LIFETIME = Duration.ofHours(1);

  private final ManualTime time = new ManualTime();
  private final RecordingListener audit = new RecordingListener();
  private final List<RefreshingCredentialSource<BearerToken>> sources = new ArrayList<>();

  @AfterEach
  void closeAll() {
    sources.forEach(RefreshingCredentialSource::close);
  }

  private RefreshingCredentialSource<BearerToken> source(
      String name, CredentialIssuer<BearerToken> issuer) {
    var s =
        CredentialSources.refreshing(issuer).name(name).timebase(time).auditListener(audit).build();
    sources.add(s);
    return s;
  }

  private static List<InventoryEntry> mine(String prefix) {
    return CredentialInventory.process().entries().stream()
        .filter(e -> e.name().startsWith(prefix))
        .toList();
  }

  /** An issuer for another workload identity, with a scope. */
  private static CredentialIssuer<BearerToken> as(ScriptedIssuer issuer, String principal) {
    return new CredentialIssuer<>() {
      @Override
      public BearerToken issue() {
        return issuer.issue();
      }

      @Override
      public boolean revoke(BearerToken credential) {
        return issuer.revoke(credential);
      }

      @Override
      public IssuerInfo describe() {
        return IssuerInfo.of("test", principal, "bucket-a").withScope("policy:sha256:ab12");
      }
    };
  }

  @Test
  void everyLiveSourceIsListed_withWhoItIsAndHowLongItsCredentialLives_neverItsSecret() {
    ScriptedIssuer issuer = new ScriptedIssuer(time.clock()).lifetime(LIFETIME);
    var a = source("inv-list-a", issuer);
    source("inv-list-b", as(issuer, "system:serviceaccount:shop:b"));
    BearerToken held = a.get();

    List<InventoryEntry> entries = mine("inv-list-");

    assertThat(entries)
        .extracting(InventoryEntry::name)
        .containsExactly("inv-list-a", "inv-list-b");
    InventoryEntry e = entries.get(0);
    assertThat(e.provider()).isEqualTo("fake");
    assertThat(e.principal()).isEqualTo("test-workload");
    assertThat(e.target()).isEqualTo("test-target");
    assertThat(e.state()).isEqualTo(SourceState.VALID);
    assertThat(e.credentialId()).isEqualTo(held.id());
    assertThat(e.lifetime()).contains(LIFETIME);
    assertThat(e.age()).contains(Duration.ZERO);
    assertThat(e.timeToExpiry()).contains(LIFETIME);
    assertThat(e.issuances()).isEqualTo(1);
    assertThat(e.scoped()).isFalse();
    assertThat(entries.get(1).scoped()).isTrue();
    String json = CredentialInventory.process().toJson();
    Map<String, Object> doc = Json.parseObject(json);
    assertThat(doc.get("schema")).isEqualTo("ephemera.inventory/v1");
    assertThat(json)
        .contains("\"name\":\"inv-list-a\"", "\"lifetimeSeconds\":3600")
        .doesNotContain(held.token().reveal());

    a.close();
    assertThat(mine("inv-list-")).extracting(InventoryEntry::name).containsExactly("inv-list-b");
  }

  @Test
  void rotationsAndAgeAreCounted_onTheSourcesClock() {
    ScriptedIssuer issuer = new ScriptedIssuer(time.clock()).lifetime(LIFETIME);
    var s = source("inv-rotate", issuer);
    String first = s.get().id();
    // past the far edge of the refresh band (2/3 of the lifetime, +10 % jitter)
    time.advance(Duration.ofMinutes(50));

    InventoryEntry e = mine("inv-rotate").get(0);

    assertThat(e.credentialId()).isNotEqualTo(first);
    assertThat(e.rotations()).isEqualTo(1);
    // refreshed somewhere in the band (whatever the jitter): well after the first was issued
    assertThat(e.age().orElseThrow()).isBetween(Duration.ZERO, Duration.ofMinutes(20));
    assertThat(e.builtAt()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
  }

  @Test
  void theKillSwitch_revokesEveryHeldCredentialNow_andTheSourcesServeNewOnes() {
    ScriptedIssuer issuer = new ScriptedIssuer(time.clock()).lifetime(LIFETIME);
    var a = source("inv-kill-a", issuer);
    var b = source("inv-kill-b", as(issuer, "system:serviceaccount:shop:b"));
    String oldA = a.get().id();
    String oldB = b.get().id();

    int revoked = CredentialInventory.process().revokeAll("system:serviceaccount:shop:b");

    assertThat(revoked).isEqualTo(1);
    assertThat(issuer.revokedIds()).containsExactly(oldB);
    assertThat(b.get().id()).isNotEqualTo(oldB);
    assertThat(a.get().id()).isEqualTo(oldA);

    assertThat(CredentialInventory.process().revokeAll()).isGreaterThanOrEqualTo(2);
    assertThat(issuer.revokedIds()).contains(oldA);
    String newA = a.get().id();
    assertThat(newA).isNotEqualTo(oldA);
    assertThat(audit.ofType(AuditEventType.REVOKED)).hasSizeGreaterThanOrEqualTo(3);

    // the killed credential is not retired (revoked) again once its successor is in, nor at close
    a.close();
    b.close();
    assertThat(issuer.revokedIds()).doesNotHaveDuplicates();
  }

  @Test
  void theBlastRadius_namesLongLived_unscoped_andNeverRotatedSources() {
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    InventoryEntry shortScoped = entry("short", "policy:x", t, t.plus(LIFETIME), t, 3);
    InventoryEntry longLived =
        entry("long", "policy:y", t, t.plus(Duration.ofHours(13)), t.plusSeconds(60), 0);
    InventoryEntry reused =
        entry("reused", "", t.minus(Duration.ofHours(3)), t.plus(LIFETIME), t, 0);

    BlastRadius r = BlastRadius.of(List.of(shortScoped, longLived, reused), Duration.ofHours(12));

    assertThat(r.sources()).isEqualTo(3);
    assertThat(r.longLived()).containsExactly("long");
    assertThat(r.unscoped()).containsExactly("reused");
    assertThat(r.neverRotated()).containsExactly("reused");
    assertThat(r.summary())
        .isEqualTo(
            "3 sources: 1 with credentials living longer than 12h, 1 unscoped, 1 never rotated");
  }

  private static InventoryEntry entry(
      String name, String scope, Instant issuedAt, Instant expiresAt, Instant at, long rotations) {
    Instant builtAt = issuedAt.isBefore(at) ? issuedAt : at;
    return new InventoryEntry(
        name,
        "test",
        "p",
        "t",
        scope,
        SourceState.VALID,
        "id-" + name,
        issuedAt,
        expiresAt,
        at.plus(Duration.ofHours(2)),
        builtAt,
        rotations,
        1,
        0,
        null);
  }
}
