package dev.ephemera.vault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ephemera.core.CredentialSource;
import dev.ephemera.core.SourceState;
import dev.ephemera.core.audit.AuditEventType;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Vault sealed for 20 minutes while a 1 h token is due for renewal. */
class VaultSealedTest {
  private Testbed bed;

  @BeforeEach
  void start(@TempDir Path dir) {
    bed = new Testbed(dir, Duration.ofHours(1), Duration.ofHours(24));
  }

  @AfterEach
  void stop() {
    bed.close();
  }

  @Test
  void sealedForTwentyMinutes_withAOneHourToken_failsNoGet() {
    VaultCredentials vault = bed.credentials().prefetch(true).build();
    CredentialSource<VaultToken> tokens = vault.tokens();
    String first = tokens.get().id();
    // the refresh falls due at 40 min ± 6 min: seal from 30 to 50 min
    bed.time.scheduler().schedule(bed.vault::seal, Duration.ofMinutes(30));
    bed.time.scheduler().schedule(bed.vault::unseal, Duration.ofMinutes(50));

    int gets = 0;
    for (int s = 10; s <= 2 * 3600; s += 10) {
      bed.time.advance(Duration.ofSeconds(10));
      assertThat(tokens.get().id()).isEqualTo(first);
      gets++;
    }

    assertThat(gets).isEqualTo(720);
    assertThat(bed.audit.ofType(AuditEventType.REFRESH_FAILED))
        .isNotEmpty()
        .allSatisfy(
            e ->
                assertThat(e.error())
                    .hasValueSatisfying(
                        err -> {
                          assertThat(err.reason()).isEqualTo("UNAVAILABLE");
                          assertThat(err.terminal()).isFalse();
                          assertThat(err.message()).contains("Vault is sealed");
                        }));
    assertThat(bed.audit.ofType(AuditEventType.EXPIRED)).isEmpty();
    assertThat(tokens.status().state()).isEqualTo(SourceState.VALID);
    assertThat(bed.vault.token(first).orElseThrow().renewals()).isGreaterThanOrEqualTo(2);
    assertThat(bed.vault.liveTokens()).hasSize(1);
    vault.close();
  }
}
