package dev.ephemera.vault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ephemera.core.CredentialSource;
import dev.ephemera.testkit.time.VirtualTime;
import dev.ephemera.testkit.vault.VaultRole;
import dev.ephemera.vault.internal.TokenIssuer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The builder's engine settings (the shared {@code EngineConfigurable} setters) and AppRole. */
class VaultBuilderTest {

  /** The next refresh of the token and of one lease, built with {@code random(jitterSeed)}. */
  private static List<Instant> nextRefreshes(Path dir, long timeSeed, long jitterSeed)
      throws Exception {
    try (Testbed bed =
        new Testbed(
            VirtualTime.create(timeSeed),
            Files.createDirectories(dir.resolve("t" + timeSeed)),
            Duration.ofHours(1),
            Duration.ofHours(24))) {
      bed.vault.dynamicSecret(Testbed.DB, Duration.ofHours(1), Duration.ofHours(2), true);
      try (VaultCredentials vault =
          bed.credentials().random(new SplittableRandom(jitterSeed)).build()) {
        vault.tokens().get();
        CredentialSource<VaultLease> db = vault.lease(Testbed.DB);
        db.get();
        List<Instant> next = new ArrayList<>();
        next.add(vault.tokens().status().nextRefreshAt());
        next.add(db.status().nextRefreshAt());
        return next;
      }
    }
  }

  @Test
  void random_withOneSeed_replaysTheSameJitter_whateverTheTimebaseSeed(@TempDir Path dir)
      throws Exception {
    List<Instant> first = nextRefreshes(dir, 1, 42);
    List<Instant> second = nextRefreshes(dir, 2, 42);

    assertThat(first).doesNotContainNull().isEqualTo(second);
  }

  @Test
  void wrappedSecretId_twoConcurrentLogins_unwrapItOnce(@TempDir Path dir) throws Exception {
    try (Testbed bed = new Testbed(dir, Duration.ofHours(1), Duration.ofHours(24))) {
      var app = bed.vault.appRole(VaultRole.builder("batch").build());
      Path wrapped =
          Files.writeString(
              dir.resolve("wrapped"), bed.vault.wrapSecretId("batch", Duration.ofMinutes(5)));
      TokenIssuer issuer =
          bed.tokenIssuer(bed.transport(), VaultLogin.appRoleWrapped(app.roleId(), wrapped));
      // the first request (an unwrap) is slow, so the second login arrives while it is in flight
      bed.vault.faults().next(dev.ephemera.testkit.emulator.Fault.latency(Duration.ofMillis(300)));
      ExecutorService two = Executors.newFixedThreadPool(2);
      try {
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<VaultToken>> logins = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
          logins.add(
              CompletableFuture.supplyAsync(
                  () -> {
                    try {
                      go.await();
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                    return issuer.issue();
                  },
                  two));
        }
        go.countDown();
        for (CompletableFuture<VaultToken> login : logins) {
          assertThat(login.get(30, TimeUnit.SECONDS).authPath()).isEqualTo("auth/approle");
        }
      } finally {
        two.shutdownNow();
      }
      assertThat(bed.vault.journal().count("POST", "/v1/sys/wrapping/unwrap")).isEqualTo(1);
      assertThat(bed.vault.journal().count("POST", "/v1/auth/approle/login")).isEqualTo(2);
    }
  }
}
