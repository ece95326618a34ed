package dev.ephemera.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.jopenlibs.vault.Vault;
import io.github.jopenlibs.vault.response.LogicalResponse;
import java.io.ByteArrayOutputStream;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Existing driver code takes its token from Ephemera and follows rotation. */
class VaultDriverConfigTest {
  private Testbed bed;
  private VaultCredentials vault;

  @BeforeEach
  void start(@TempDir Path dir) {
    bed = new Testbed(dir, Duration.ofHours(1), Duration.ofHours(24));
    bed.vault.putKv("secret", "app/db", Map.of("password", "pw-123-secret"));
    vault = bed.credentials().prefetch(true).build();
  }

  @AfterEach
  void stop() {
    vault.close();
    bed.close();
  }

  @Test
  void driver_readsWithTheCurrentToken_andFollowsRotation() throws Exception {
    Vault driver = Vault.create(vault.driverConfig(), 2);
    LogicalResponse before = driver.logical().read("secret/app/db");
    assertThat(before.getRestResponse().getStatus()).isEqualTo(200);
    assertThat(before.getData()).containsEntry("password", "pw-123-secret");
    String first = vault.tokens().get().id();

    vault.tokens().refresh().join();
    bed.time.advance(Duration.ofMinutes(2)); // the superseded token is revoked

    assertThat(bed.vault.token(first).orElseThrow().alive()).isFalse();
    LogicalResponse after = driver.logical().read("secret/app/db");
    assertThat(after.getRestResponse().getStatus()).isEqualTo(200);
    assertThat(after.getData()).containsEntry("password", "pw-123-secret");
    assertThat(
            bed.vault.journal().entries(e -> e.request().path().equals("/v1/secret/data/app/db")))
        .extracting(
            e -> bed.vault.accessorOf(e.request().header("x-vault-token").orElse("")).orElse(""))
        .containsExactly(first, vault.tokens().get().id());
  }

  @Test
  @SuppressWarnings("ReferenceEquality") // the same String instance: nothing was built per call
  void getToken_allocatesNothing_onTheHotPath() {
    var config = vault.driverConfig();
    String token = config.getToken();
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().getId();
    for (int i = 0; i < 20_000; i++) {
      config.getToken(); // warm up
    }
    long before = threads.getThreadAllocatedBytes(id);
    int same = 0;
    for (int i = 0; i < 100_000; i++) {
      if (config.getToken() == token) {
        same++;
      }
    }
    long allocated = threads.getThreadAllocatedBytes(id) - before;
    assertThat(same).isEqualTo(100_000);
    assertThat(allocated).as("bytes allocated by 100k getToken() calls").isLessThan(1_000);
  }

  @Test
  void config_refusesAFixedToken_andSerialization() {
    var config = vault.driverConfig();
    assertThatThrownBy(() -> config.token("hvs.other"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(
            () -> new ObjectOutputStream(new ByteArrayOutputStream()).writeObject(config))
        .isInstanceOf(NotSerializableException.class);
    assertThat(config.getAddress()).isEqualTo(bed.vault.address());
    assertThat(config.toString()).doesNotContain(config.getToken());
  }
}
