package dev.ephemera.examples.demo;

import dev.ephemera.core.CredentialSource;
import dev.ephemera.core.Environment;
import dev.ephemera.core.audit.AuditEventType;
import dev.ephemera.core.audit.AuditOutcome;
import dev.ephemera.testkit.RecordingAuditListener;
import dev.ephemera.testkit.emulator.FaultPlan;
import dev.ephemera.testkit.oidc.ServiceAccount;
import dev.ephemera.testkit.vault.VaultEmulator;
import dev.ephemera.testkit.vault.VaultRole;
import dev.ephemera.vault.VaultCredentials;
import dev.ephemera.vault.VaultDriverConfig;
import dev.ephemera.vault.VaultKv;
import dev.ephemera.vault.VaultLease;
import dev.ephemera.vault.VaultToken;
import io.github.jopenlibs.vault.Vault;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Vault: a pod logs in with Kubernetes auth (1 h token, 4 h max TTL), keeps a database lease that
 * is renewed, capped and rotated (a connection pool is told), reads a KV secret now and then, and
 * lends its token to existing driver code.
 */
final class VaultScenario implements Scenario {
  private static final ServiceAccount PAYMENTS = ServiceAccount.of("shop", "payments");

  private @Nullable VaultEmulator vault;
  private @Nullable VaultCredentials credentials;
  private final List<Watched> watched = new ArrayList<>();
  private final List<Probe> probes = new ArrayList<>();
  private final AtomicLong poolSwaps = new AtomicLong();

  @Override
  public String backend() {
    return "vault";
  }

  @Override
  public void start(DemoWorld world) {
    VaultEmulator emulator = VaultEmulator.builder(world.time().clock()).oidc(world.oidc()).start();
    vault = emulator;
    Lifetimes lifetimes = world.lifetimes();
    emulator.kubernetesRole(
        VaultRole.builder("payments")
            .boundServiceAccount(PAYMENTS)
            .ttl(lifetimes.vaultTokenTtl())
            .maxTtl(lifetimes.vaultTokenMaxTtl())
            .policies("payments")
            .build());
    emulator.dynamicSecret(
        "database/creds/payments", lifetimes.leaseTtl(), lifetimes.leaseMaxTtl(), true);
    emulator.putKv("secret", "payments/api-key", Map.of("key", "demo-api-key-value"));
    var jwt = world.project("vault-token", PAYMENTS, "vault");
    Environment pod =
        Environment.of(
            Map.of(
                "VAULT_ADDR",
                emulator.address(),
                "VAULT_AUTH_METHOD",
                "kubernetes",
                "VAULT_ROLE",
                "payments",
                "VAULT_JWT_FILE",
                jwt.path().toString()));
    var builder =
        VaultCredentials.builder()
            .environment(pod)
            .name("vault-payments")
            .timebase(world.time())
            .leaseRevokeGrace(lifetimes.leaseRevokeGrace())
            .kvCacheTtl(lifetimes.kvCacheTtl());
    world.audit().forEach(builder::auditListener);
    VaultCredentials vc = builder.build();
    credentials = vc;

    CredentialSource<VaultToken> tokens = vc.tokens();
    CredentialSource<VaultLease> db = vc.lease("database/creds/payments");
    db.subscribe(lease -> poolSwaps.incrementAndGet()); // a connection pool swaps its login
    watched.add(new Watched("vault-token", tokens));
    watched.add(new Watched("vault-db-lease", db));

    VaultDriverConfig driverConfig = vc.driverConfig();
    Vault driver = Vault.create(driverConfig, 2);
    VaultKv kv = vc.kv("secret", lifetimes.kvCacheTtl());
    // Existing driver code takes its token from Ephemera on every request.
    probes.add(
        new Probe(
            "vault-driver",
            () -> {
              if (driverConfig.getToken().isEmpty()) {
                throw new IllegalStateException("no token for the driver");
              }
            }));
    probes.add(
        new Probe(
            "vault-db-lease",
            () -> {
              VaultLease lease = db.get();
              if (lease.get("password").isEmpty()) {
                throw new IllegalStateException("lease without a password");
              }
            }));
    // Now and then the application reads its API key (audited as SECRET_READ) and the driver
    // reads a secret with the token Ephemera keeps fresh. These talk to Vault itself, so during
    // the outage they fail, visibly, in the audit stream: that is Vault's data plane, not ours.
    readEvery(world, lifetimes.kvReadEvery(), kv, driver);
  }

  private static void readEvery(DemoWorld world, Duration every, VaultKv kv, Vault driver) {
    var scheduler = world.time().scheduler();
    scheduler.schedule(
        () -> {
          // HTTP calls run on a worker, never on the timer thread
          try {
            scheduler
                .workers()
                .execute(
                    () -> {
                      try {
                        kv.readSecret("payments/api-key");
                        driver.logical().read("secret/data/payments/api-key");
                      } catch (RuntimeException | io.github.jopenlibs.vault.VaultException e) {
                        // audited by VaultKv; the driver's own failure needs no second report
                      }
                    });
          } catch (java.util.concurrent.RejectedExecutionException e) {
            return; // the demo is over
          }
          readEvery(world, every, kv, driver);
        },
        every);
  }

  @Override
  public List<Watched> watched() {
    return watched;
  }

  @Override
  public List<Probe> probes() {
    return probes;
  }

  @Override
  public List<FaultPlan> faultPlans() {
    VaultEmulator v = vault;
    return v == null ? List.of() : List.of(v.faults()); // sealed: login, renewal, leases, KV
  }

  @Override
  public String endpoints() {
    return "Vault (all of it: login, renewal, leases, KV)";
  }

  @Override
  public List<String> check(RecordingAuditListener audit) {
    List<String> problems = new ArrayList<>();
    if (audit
        .matching(e -> e.type() == AuditEventType.RENEWED && e.provider().startsWith("vault"))
        .isEmpty()) {
      problems.add("no Vault renewal was audited");
    }
    if (audit
        .matching(
            e ->
                e.type() == AuditEventType.REVOKED
                    && e.outcome() == AuditOutcome.SUCCESS
                    && e.provider().startsWith("vault"))
        .isEmpty()) {
      problems.add("no Vault token or lease was revoked");
    }
    if (poolSwaps.get() == 0) {
      problems.add("no lease rotation reached the connection pool");
    }
    return problems;
  }

  @Override
  public void close() {
    if (credentials != null) {
      credentials.close();
    }
    if (vault != null) {
      vault.close();
    }
  }
}
