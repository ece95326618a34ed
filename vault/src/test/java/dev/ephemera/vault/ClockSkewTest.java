package dev.ephemera.vault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ephemera.core.CredentialException;
import dev.ephemera.core.CredentialSource;
import dev.ephemera.testkit.time.VirtualTime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A local wall clock that jumps two hours ahead of Vault's (an NTP step, a VM resume) must not stop
 * the token or the lease: Vault gives lifetimes as durations ({@code lease_duration}, {@code ttl}),
 * which are skew-proof as they are, and judges the JWT's expiry on its own clock. Through the Vault
 * driver over HTTP against the Vault emulator, on virtual time.
 */
class ClockSkewTest {
  private static final Duration AHEAD = Duration.ofHours(2);
  private static final Duration TTL = Duration.ofHours(1);

  private final VirtualTime time = VirtualTime.create();

  @SuppressWarnings("NullAway.Init")
  private Testbed bed;

  @BeforeEach
  void start(@TempDir Path dir) {
    bed = new Testbed(time, dir, TTL, Duration.ofHours(24));
    bed.vault.dynamicSecret(Testbed.DB, TTL, Duration.ofHours(24), true);
  }

  @AfterEach
  void stop() {
    bed.close();
  }

  @Test
  void localClockTwoHoursAhead_beforeTheFirstLogin_logsInServesAndRenews() {
    time.jumpWallClock(AHEAD);
    VaultCredentials vault = bed.credentials().build();
    try {
      assertHealthy(threeLifetimes(vault.tokens(), vault.lease(Testbed.DB)));
    } finally {
      vault.close();
    }
  }

  @Test
  void localClockJumpsTwoHoursAhead_afterTheFirstLogin_keepsServingAndRenewing() {
    VaultCredentials vault = bed.credentials().build();
    try {
      CredentialSource<VaultToken> tokens = vault.tokens();
      CredentialSource<VaultLease> db = vault.lease(Testbed.DB);
      tokens.get();
      db.get();
      time.jumpWallClock(AHEAD);
      assertHealthy(threeLifetimes(tokens, db));
    } finally {
      vault.close();
    }
  }

  /** Every minute for three TTLs: the token and the lease served, and each alive at Vault. */
  private List<String> threeLifetimes(
      CredentialSource<VaultToken> tokens, CredentialSource<VaultLease> db) {
    List<String> failures = new ArrayList<>();
    for (long m = 0; m <= 3 * TTL.toMinutes(); m++) {
      try {
        VaultToken token = tokens.get();
        VaultLease lease = db.get();
        if (!bed.vault.token(token.id()).orElseThrow().alive()) {
          failures.add("minute " + m + ": the served token is dead at Vault");
        }
        if (!bed.vault.lease(lease.id()).orElseThrow().alive()) {
          failures.add("minute " + m + ": the served lease is dead at Vault");
        }
      } catch (CredentialException e) {
        failures.add("minute " + m + ": " + e.getMessage());
      }
      time.advance(Duration.ofMinutes(1));
    }
    return failures;
  }

  /**
   * Zero failures; one login and one secret read, renewed in place about every 2/3 of the TTL (2/3
   * ± 10%: three to five renewals each in three TTLs), nothing issued in a loop.
   */
  private void assertHealthy(List<String> failures) {
    assertThat(failures).as("failed or dead credentials").isEmpty();
    assertThat(bed.calls("/auth/kubernetes/login")).as("logins").isEqualTo(1);
    assertThat(bed.calls("/v1/" + Testbed.DB)).as("secret reads").isEqualTo(1);
    assertThat(bed.calls("/auth/token/renew-self")).as("token renewals").isBetween(3, 5);
    assertThat(bed.calls("/sys/leases/renew")).as("lease renewals").isBetween(3, 5);
  }
}
