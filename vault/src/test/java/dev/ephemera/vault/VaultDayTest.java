package dev.ephemera.vault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ephemera.core.CredentialSource;
import dev.ephemera.core.SourceState;
import dev.ephemera.core.audit.AuditEvent;
import dev.ephemera.core.audit.AuditEventType;
import dev.ephemera.testkit.vault.Ending;
import dev.ephemera.testkit.vault.LeaseState;
import dev.ephemera.testkit.vault.TokenState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A day in the life: a 1 h token with a 4 h max TTL and a database lease (1 h TTL, 3 h max TTL),
 * driven for 24 virtual hours through the real driver against the emulator.
 */
class VaultDayTest {
  private Testbed bed;

  @BeforeEach
  void start(@TempDir Path dir) {
    bed = new Testbed(dir, Duration.ofHours(1), Duration.ofHours(4));
    bed.vault.dynamicSecret(Testbed.DB, Duration.ofHours(1), Duration.ofHours(3), true);
  }

  @AfterEach
  void stop() {
    bed.close();
  }

  private record Rotation(String newLease, String oldLease, boolean oldLeaseAliveAtVault) {}

  @Test
  void aDay_renewsCapsRelogsAndRevokesEverySupersededTokenAndLease() {
    VaultCredentials vault = bed.credentials().prefetch(true).build();
    CredentialSource<VaultToken> tokens = vault.tokens();
    CredentialSource<VaultLease> db = vault.lease(Testbed.DB);
    List<Rotation> rotations = new ArrayList<>();
    String[] last = {db.get().id()};
    db.subscribe(
        lease -> {
          String old = last[0];
          rotations.add(new Rotation(lease.id(), old, bed.vault.lease(old).orElseThrow().alive()));
          last[0] = lease.id();
        });

    for (int minute = 1; minute <= 24 * 60; minute++) {
      bed.time.advance(Duration.ofMinutes(1));
      VaultToken token = tokens.get();
      VaultLease lease = db.get();
      assertThat(bed.vault.token(token.id()).orElseThrow().alive())
          .as("the served token works at Vault at minute %d", minute)
          .isTrue();
      assertThat(bed.vault.lease(lease.id()).orElseThrow().alive())
          .as("the served lease works at Vault at minute %d", minute)
          .isTrue();
    }

    // renewals, capped renewals and re-logins all happened
    assertThat(bed.calls("/auth/token/renew-self")).isGreaterThan(20);
    int logins = bed.calls("/auth/kubernetes/login");
    assertThat(logins).as("a re-login every ~3.8 h").isBetween(6, 9);
    List<AuditEvent> capped =
        bed.audit.matching(
            e ->
                e.type() == AuditEventType.RENEWED
                    && e.source().equals("vault")
                    && e.attributes().containsKey("ttlCapped"));
    assertThat(capped).as("renewals capped at the max TTL").isNotEmpty();
    assertThat(capped.get(0).attributes().get("ttlCapped")).contains("capped");
    assertThat(bed.audit.ofType(AuditEventType.REFRESH_FAILED)).isEmpty();
    assertThat(bed.calls("/sys/leases/renew")).isPositive();

    // every superseded token and lease was revoked explicitly, before it could expire
    String currentToken = tokens.get().id();
    String currentLease = db.get().id();
    List<TokenState> oldTokens =
        bed.vault.tokens().stream().filter(t -> !t.accessor().equals(currentToken)).toList();
    assertThat(oldTokens).hasSize(logins - 1);
    assertThat(oldTokens)
        .allSatisfy(
            t -> {
              assertThat(t.ending()).isEqualTo(Ending.REVOKED);
              assertThat(t.endedAt()).isBefore(t.expiresAt());
            });
    List<LeaseState> oldLeases =
        bed.vault.leases().stream().filter(l -> !l.leaseId().equals(currentLease)).toList();
    assertThat(oldLeases).hasSizeGreaterThanOrEqualTo(logins);
    assertThat(oldLeases)
        .allSatisfy(
            l -> {
              assertThat(l.ending())
                  .as("lease %s was revoked by the client, not with its token", l.leaseId())
                  .isEqualTo(Ending.REVOKED);
              assertThat(l.endedAt()).isBefore(l.expiresAt());
            });

    // subscribers heard of every new lease while the old one still worked
    assertThat(rotations).hasSize(oldLeases.size());
    assertThat(rotations).allSatisfy(r -> assertThat(r.oldLeaseAliveAtVault()).isTrue());
    assertThat(bed.audit.count(AuditEventType.REVOKED))
        .isEqualTo(oldTokens.size() + oldLeases.size());

    vault.close();
    assertThat(bed.vault.liveTokens()).isEmpty();
    assertThat(bed.vault.liveLeases()).isEmpty();
    assertThat(tokens.status().state()).isEqualTo(SourceState.CLOSED);
    assertThat(db.status().state()).isEqualTo(SourceState.CLOSED);
    assertThat(bed.time.pendingTasks()).isZero();
  }
}
