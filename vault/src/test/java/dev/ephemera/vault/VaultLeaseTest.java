package dev.ephemera.vault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ephemera.core.CredentialSource;
import dev.ephemera.core.audit.AuditEventType;
import dev.ephemera.testkit.emulator.Fault;
import dev.ephemera.testkit.emulator.JournalEntry;
import dev.ephemera.testkit.vault.Ending;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dynamic-secret leases: renewal, rotation to subscribers, grace, revocation, token rotation. */
class VaultLeaseTest {
  private Testbed bed;

  @BeforeEach
  void start(@TempDir Path dir) {
    bed = new Testbed(dir, Duration.ofHours(1), Duration.ofHours(24));
  }

  @AfterEach
  void stop() {
    bed.close();
  }

  private record Seen(String lease, String previous, boolean previousAlive, Instant at) {}

  @Test
  void leaseRotation_reachesSubscribersBeforeTheOldLeaseIsRevoked() {
    bed.vault.dynamicSecret(Testbed.DB, Duration.ofHours(1), Duration.ofHours(1), false);
    VaultCredentials vault =
        bed.credentials().leaseRevokeGrace(Duration.ofMinutes(2)).prefetch(true).build();
    CredentialSource<VaultLease> db = vault.lease(Testbed.DB);
    VaultLease first = db.get();
    assertThat(first.get("username")).isPresent();
    assertThat(first.get("password")).isPresent();
    List<Seen> seen = new ArrayList<>();
    db.subscribe(
        lease ->
            seen.add(
                new Seen(
                    lease.id(),
                    first.id(),
                    bed.vault.lease(first.id()).orElseThrow().alive(),
                    bed.time.now())));

    bed.time.advance(Duration.ofMinutes(50)); // refresh at 40 min ± 6: not renewable, so re-read

    assertThat(seen).singleElement().satisfies(s -> assertThat(s.previousAlive()).isTrue());
    Seen rotation = seen.get(0);
    assertThat(rotation.lease()).isNotEqualTo(first.id());
    assertThat(db.get().id()).isEqualTo(rotation.lease());
    JournalEntry revoke =
        bed.vault
            .journal()
            .entries(
                e ->
                    e.request().path().equals("/v1/sys/leases/revoke")
                        && e.request().body().contains(first.id()))
            .get(0);
    assertThat(revoke.time()).isEqualTo(rotation.at().plus(Duration.ofMinutes(2)));
    assertThat(bed.vault.lease(first.id()).orElseThrow().ending()).isEqualTo(Ending.REVOKED);
    assertThat(bed.vault.lease(rotation.lease()).orElseThrow().alive()).isTrue();
    vault.close();
  }

  @Test
  void renewal_extendsTheSameLease_untilVaultCapsIt_thenReadsANewOne() {
    bed.vault.dynamicSecret(Testbed.DB, Duration.ofHours(1), Duration.ofHours(2), true);
    VaultCredentials vault = bed.credentials().prefetch(true).build();
    CredentialSource<VaultLease> db = vault.lease(Testbed.DB);
    String first = db.get().id();

    bed.time.advance(Duration.ofMinutes(47));
    assertThat(db.get().id()).as("renewed in place").isEqualTo(first);
    assertThat(bed.vault.lease(first).orElseThrow().renewals()).isEqualTo(1);

    bed.time.advance(Duration.ofMinutes(75));
    assertThat(db.get().id()).as("replaced once Vault capped the renewal").isNotEqualTo(first);
    assertThat(
            bed.audit.matching(
                e ->
                    e.type() == AuditEventType.RENEWED
                        && e.credentialId().orElse("").equals(first)
                        && e.attributes().containsKey("ttlCapped")))
        .isNotEmpty();
    bed.time.advance(Duration.ofMinutes(1));
    assertThat(bed.vault.lease(first).orElseThrow().ending()).isEqualTo(Ending.REVOKED);
    vault.close();
  }

  @Test
  void refusedRenewal_readsANewSecret() {
    bed.vault.dynamicSecret(Testbed.DB, Duration.ofHours(1), Duration.ofHours(10), true);
    VaultCredentials vault = bed.credentials().prefetch(true).build();
    CredentialSource<VaultLease> db = vault.lease(Testbed.DB);
    String first = db.get().id();
    bed.vault
        .faults()
        .nextMatching(1, Fault.status(400), r -> r.path().equals("/v1/sys/leases/renew"));

    bed.time.advance(Duration.ofMinutes(47));

    assertThat(db.get().id()).isNotEqualTo(first);
    assertThat(bed.audit.ofType(AuditEventType.REFRESH_FAILED)).isEmpty();
    vault.close();
  }

  @Test
  void tokenRotation_movesLeasesToTheNewToken_beforeTheOldTokenIsRevoked() {
    bed.vault.dynamicSecret(Testbed.DB, Duration.ofHours(1), Duration.ofHours(10), true);
    VaultCredentials vault = bed.credentials().prefetch(true).build();
    CredentialSource<VaultLease> db = vault.lease(Testbed.DB);
    String oldToken = vault.tokens().get().id();
    String oldLease = db.get().id();

    vault.tokens().refresh().join(); // a forced re-login: a new token

    String newToken = vault.tokens().get().id();
    String newLease = db.get().id();
    assertThat(newToken).isNotEqualTo(oldToken);
    assertThat(newLease).isNotEqualTo(oldLease);
    assertThat(bed.vault.lease(newLease).orElseThrow().tokenAccessor()).isEqualTo(newToken);
    bed.time.advance(Duration.ofSeconds(61));
    assertThat(bed.vault.lease(oldLease).orElseThrow().ending())
        .as("revoked by the client before its token went")
        .isEqualTo(Ending.REVOKED);
    assertThat(bed.vault.token(oldToken).orElseThrow().ending()).isEqualTo(Ending.REVOKED);
    assertThat(bed.vault.lease(oldLease).orElseThrow().endedAt())
        .isBefore(bed.vault.token(oldToken).orElseThrow().endedAt());
    assertThat(bed.vault.liveLeases()).extracting(l -> l.leaseId()).containsExactly(newLease);
    vault.close();
    assertThat(bed.vault.liveLeases()).isEmpty();
    assertThat(bed.vault.liveTokens()).isEmpty();
  }

  @Test
  void close_revokesTheLeaseThenTheToken_andNoSecretLeaksIntoAudit() {
    bed.vault.dynamicSecret(Testbed.DB, Duration.ofHours(1), Duration.ofHours(10), true);
    VaultCredentials vault = bed.credentials().prefetch(true).build();
    VaultLease lease = vault.lease(Testbed.DB).get();
    VaultToken token = vault.tokens().get();

    vault.close();
    vault.close();

    List<JournalEntry> revokes =
        bed.vault.journal().entries(e -> e.request().path().contains("revoke"));
    assertThat(revokes)
        .extracting(e -> e.request().path())
        .containsExactly("/v1/sys/leases/revoke", "/v1/auth/token/revoke-self");
    String everything = bed.audit.allJson() + lease + token;
    assertThat(everything)
        .doesNotContain(lease.get("password").orElseThrow().reveal())
        .doesNotContain(lease.get("username").orElseThrow().reveal())
        .doesNotContain(token.token().reveal());
  }
}
