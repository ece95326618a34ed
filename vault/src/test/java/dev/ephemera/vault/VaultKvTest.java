package dev.ephemera.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ephemera.core.CredentialConfigurationException;
import dev.ephemera.core.CredentialUnavailableException;
import dev.ephemera.core.audit.AuditEvent;
import dev.ephemera.core.audit.AuditEventType;
import dev.ephemera.core.audit.AuditOutcome;
import dev.ephemera.testkit.emulator.Fault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** KV v2 reads through the real driver: versions, misses, cache, and SECRET_READ audit. */
class VaultKvTest {
  private Testbed bed;
  private VaultCredentials vault;

  @BeforeEach
  void start(@TempDir Path dir) {
    bed = new Testbed(dir, Duration.ofHours(1), Duration.ofHours(24));
    bed.vault.putKv("secret", "app/api", Map.of("key", "v1-s3cr3t-value", "user", "svc"));
    bed.vault.putKv("secret", "app/api", Map.of("key", "v2-s3cr3t-value", "user", "svc"));
    vault = bed.credentials().build();
  }

  @AfterEach
  void stop() {
    vault.close();
    bed.close();
  }

  private List<AuditEvent> reads() {
    return bed.audit.ofType(AuditEventType.SECRET_READ);
  }

  @Test
  void readSecret_returnsTheLatestVersion_andAuditsPathVersionAndPrincipal_neverTheValue() {
    VaultSecret s = vault.kv("secret").readSecret("app/api").orElseThrow();

    assertThat(s.version()).isEqualTo(2);
    assertThat(s.get("key"))
        .hasValueSatisfying(v -> assertThat(v.reveal()).isEqualTo("v2-s3cr3t-value"));
    assertThat(s.toString()).doesNotContain("s3cr3t");
    assertThat(reads())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.outcome()).isEqualTo(AuditOutcome.SUCCESS);
              assertThat(e.provider()).isEqualTo("vault-kv");
              assertThat(e.principal()).isEqualTo(Testbed.SA.subject());
              assertThat(e.target()).isEqualTo("secret/app/api");
              assertThat(e.credentialId()).contains(vault.tokens().get().id());
              assertThat(e.attributes())
                  .containsEntry("version", "2")
                  .containsEntry("cached", "false")
                  .containsEntry("found", "true");
            });
    assertThat(bed.audit.allJson()).doesNotContain("s3cr3t");
  }

  @Test
  void readSecret_ofAVersion_missingPath_andDeletedVersion() {
    VaultKv kv = vault.kv("secret");
    assertThat(kv.readSecret("app/api", 1).orElseThrow().get("key").orElseThrow().reveal())
        .isEqualTo("v1-s3cr3t-value");
    assertThat(kv.readSecret("app/none")).isEmpty();
    assertThat(kv.readSecret("app/api", 9)).isEmpty();
    bed.vault.deleteKv("secret", "app/api");
    assertThat(kv.readSecret("app/api")).isEmpty();
    assertThat(reads())
        .extracting(e -> e.attributes().get("found"))
        .containsExactly("true", "false", "false", "false");
  }

  @Test
  void cache_servesRepeatReadsFromMemory_stillAudited_untilItsTtlEnds() {
    VaultKv kv = vault.kv("secret", Duration.ofSeconds(30));
    kv.readSecret("app/api");
    kv.readSecret("app/api");
    assertThat(bed.calls("/secret/data/app/api")).isEqualTo(1);
    assertThat(reads())
        .extracting(e -> e.attributes().get("cached"))
        .containsExactly("false", "true");

    bed.time.advance(Duration.ofSeconds(31));
    kv.readSecret("app/api");
    assertThat(bed.calls("/secret/data/app/api")).isEqualTo(2);
  }

  @Test
  void failedRead_isAuditedAsAFailure_andThrowsTyped() {
    VaultKv kv = vault.kv("secret");
    kv.readSecret("app/api");
    bed.vault.faults().next(Fault.status(503));
    assertThatThrownBy(() -> kv.readSecret("app/api"))
        .isInstanceOfSatisfying(
            CredentialUnavailableException.class, e -> assertThat(e.isTerminal()).isFalse());
    assertThat(reads().get(1).outcome()).isEqualTo(AuditOutcome.FAILURE);
    assertThat(reads().get(1).error())
        .hasValueSatisfying(err -> assertThat(err.message()).contains("Vault is sealed"));
  }

  @Test
  void badPaths_areRejectedBeforeAnyCall() {
    VaultKv kv = vault.kv("secret");
    assertThatThrownBy(() -> kv.readSecret("../sys/seal"))
        .isInstanceOf(CredentialConfigurationException.class)
        .hasMessageContaining("path");
    assertThatThrownBy(() -> kv.readSecret("a?b=c"))
        .isInstanceOf(CredentialConfigurationException.class);
    assertThatThrownBy(() -> kv.readSecret("app/api", 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(bed.calls("/secret/data/")).isZero();
  }
}
