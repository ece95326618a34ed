package dev.ephemera.soak;

import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import dev.ephemera.aws.AwsCredentialSources;
import dev.ephemera.azure.AzureWorkloadIdentity;
import dev.ephemera.core.Credential;
import dev.ephemera.core.CredentialSource;
import dev.ephemera.core.Environment;
import dev.ephemera.gcp.ExternalAccountConfig;
import dev.ephemera.gcp.GoogleWorkloadIdentity;
import dev.ephemera.testkit.aws.PodIdentityAgentEmulator;
import dev.ephemera.testkit.aws.StsEmulator;
import dev.ephemera.testkit.azure.EntraEmulator;
import dev.ephemera.testkit.azure.FederatedCredential;
import dev.ephemera.testkit.emulator.FaultPlan;
import dev.ephemera.testkit.emulator.InFlight;
import dev.ephemera.testkit.emulator.Journal;
import dev.ephemera.testkit.emulator.LoopbackTls;
import dev.ephemera.testkit.gcp.GoogleStsEmulator;
import dev.ephemera.testkit.gcp.GoogleTokenRegistry;
import dev.ephemera.testkit.oidc.OidcIssuer;
import dev.ephemera.testkit.oidc.ServiceAccount;
import dev.ephemera.testkit.oidc.TokenFile;
import dev.ephemera.testkit.time.VirtualTime;
import dev.ephemera.testkit.vault.VaultEmulator;
import dev.ephemera.testkit.vault.VaultRole;
import dev.ephemera.vault.VaultCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The soak's world: one OIDC issuer playing the Kubernetes API server, every backend's emulator on
 * the upstreams' virtual clock, and {@code size} pods spread evenly over five real issuers (AWS
 * IRSA, EKS Pod Identity, Google workload identity federation, Entra workload identity, Vault
 * Kubernetes login), each pod with its own service account and projected token file, built through
 * the public builders exactly as a user builds them.
 */
final class Fleet implements AutoCloseable {
  /**
   * Every pod's credentials live this long (the longest an IRSA role session may): a virtual day is
   * two or three issuances a pod, and an outage of the soak's longest (30 minutes) meets about one
   * pod in twenty of its upstream.
   */
  static final Duration LIFETIME = Duration.ofHours(12);

  /**
   * Every client's read timeout: short, so the soak's timeout faults (a late answer) cost little
   * real time, yet far above a loopback answer's few milliseconds.
   */
  static final Duration READ_TIMEOUT = Duration.ofMillis(400);

  /** Vault's read timeout: the Vault driver counts it in whole seconds. */
  static final Duration VAULT_READ_TIMEOUT = Duration.ofSeconds(1);

  /** A late answer: past every client's read timeout. */
  static final Duration LATE = VAULT_READ_TIMEOUT.plusMillis(200);

  /** How long the kubelet's projected tokens live; the soak rotates them, and breaks some. */
  static final Duration TOKEN_LIFETIME = Duration.ofHours(30);

  private static final String ROLE = "arn:aws:iam::111122223333:role/soak";
  private static final String NAMESPACE = "soak";

  /** One workload: its identity, its token file, its source, and what to close. */
  record Pod(
      String name,
      String backend,
      String subject,
      String audience,
      TokenFile token,
      Supplier<CredentialSource<? extends Credential>> lookup,
      AutoCloseable owner,
      Upstream upstream) {
    /** {@return the pod's source, looked up as its application looks it up} */
    CredentialSource<? extends Credential> source() {
      return lookup.get();
    }
  }

  /** One emulator as the soak drives it: its faults, its journal, its in-flight counter. */
  record Upstream(String name, FaultPlan faults, Journal journal, InFlight inFlight) {}

  final VirtualTime time;
  final OidcIssuer oidc;
  private final Path tokenDir;
  private final StsEmulator sts;
  private final PodIdentityAgentEmulator agent;
  private final GoogleStsEmulator googleSts;
  private final EntraEmulator entra;
  private final VaultEmulator vault;
  private final HttpClient azureHttp;
  final List<Upstream> upstreams = new ArrayList<>();
  final List<Pod> pods = new ArrayList<>();
  final Map<String, Pod> bySubject = new HashMap<>();
  private final List<ServiceAccount> accounts;

  Fleet(VirtualTime time, int size) {
    this.time = time;
    this.oidc = OidcIssuer.start(time.upstreamClock());
    try {
      this.tokenDir = Files.createTempDirectory("ephemera-soak-tokens");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<ServiceAccount> accounts = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      accounts.add(ServiceAccount.of(NAMESPACE, "pod-" + i));
    }
    List<String> irsaSubjects = new ArrayList<>();
    for (int i = 0; i < size; i += 5) {
      irsaSubjects.add(accounts.get(i).subject());
    }
    this.sts =
        StsEmulator.builder(oidc)
            .clock(time.upstreamClock())
            .role(ROLE, Duration.ofHours(12), irsaSubjects)
            .start();
    PodIdentityAgentEmulator.Builder agentBuilder =
        PodIdentityAgentEmulator.builder(oidc)
            .clock(time.upstreamClock())
            .credentialLifetime(LIFETIME);
    for (int i = 1; i < size; i += 5) {
      agentBuilder.association(accounts.get(i).subject(), ROLE);
    }
    this.agent = agentBuilder.start();
    this.googleSts =
        GoogleStsEmulator.builder(time.upstreamClock(), oidc)
            .registry(GoogleTokenRegistry.create(time.upstreamClock()))
            .tokenLifetime(LIFETIME)
            .start();
    this.entra =
        EntraEmulator.builder(oidc).clock(time.upstreamClock()).tokenLifetime(LIFETIME).start();
    this.vault = VaultEmulator.builder(time.upstreamClock()).oidc(oidc).start();
    vault.kubernetesRole(
        VaultRole.builder("soak")
            .boundServiceAccountNames("*")
            .boundNamespaces(NAMESPACE)
            .ttl(LIFETIME)
            .maxTtl(LIFETIME)
            // a token that cannot be renewed is replaced by a new login, carrying the pod's JWT
            .renewable(false)
            .build());
    // One HTTP client for every Azure identity, as an application shares one across its clients.
    this.azureHttp =
        new JdkHttpClientBuilder(
                java.net.http.HttpClient.newBuilder().sslContext(LoopbackTls.sslContext()))
            .responseTimeout(READ_TIMEOUT)
            .readTimeout(READ_TIMEOUT)
            .build();

    this.accounts = List.copyOf(accounts);
    track("aws-sts", sts.faults(), sts.journal());
    track("eks-pod-identity-agent", agent.faults(), agent.journal());
    track("google-sts", googleSts.faults(), googleSts.journal());
    track("entra", entra.faults(), entra.journal());
    track("vault", vault.faults(), vault.journal());
  }

  /** Builds every pod's source, as its application would, each with {@code audit}. */
  void populate(AuditTally audit) {
    Upstream irsa = upstreams.get(0);
    Upstream pod = upstreams.get(1);
    Upstream google = upstreams.get(2);
    Upstream azure = upstreams.get(3);
    Upstream hashicorp = upstreams.get(4);
    for (int i = 0; i < accounts.size(); i++) {
      ServiceAccount account = accounts.get(i);
      String name = "pod-" + i;
      switch (i % 5) {
        case 0 -> {
          String audience = StsEmulator.DEFAULT_AUDIENCE;
          TokenFile token = project(account, audience);
          var source =
              AwsCredentialSources.irsa()
                  .roleArn(ROLE)
                  .webIdentityTokenFile(token.path())
                  .region("us-east-1")
                  .stsEndpoint(sts.endpoint())
                  .sessionDuration(LIFETIME)
                  .readTimeout(READ_TIMEOUT)
                  .timebase(time)
                  .auditListener(audit)
                  .name(name)
                  .build();
          add(
              new Pod(
                  name,
                  "aws-irsa",
                  account.subject(),
                  audience,
                  token,
                  () -> source,
                  source,
                  irsa));
        }
        case 1 -> {
          String audience = PodIdentityAgentEmulator.AUDIENCE;
          TokenFile token = project(account, audience);
          var source =
              AwsCredentialSources.podIdentity()
                  .endpoint(agent.fullUri())
                  .authorizationTokenFile(token.path())
                  .readTimeout(READ_TIMEOUT)
                  .timebase(time)
                  .auditListener(audit)
                  .name(name)
                  .build();
          add(
              new Pod(
                  name,
                  "aws-pod-identity",
                  account.subject(),
                  audience,
                  token,
                  () -> source,
                  source,
                  pod));
        }
        case 2 -> {
          String audience = googleSts.subjectTokenAudience();
          TokenFile token = project(account, audience);
          GoogleWorkloadIdentity identity =
              GoogleWorkloadIdentity.builder()
                  .environment(Environment.of(Map.of()))
                  .externalAccount(
                      ExternalAccountConfig.builder()
                          .audience(googleSts.provider())
                          .tokenUrl(googleSts.tokenUrl())
                          .subjectTokenFile(token.path())
                          .build())
                  .sslContext(LoopbackTls.sslContext())
                  .readTimeout(READ_TIMEOUT)
                  .timebase(time)
                  .auditListener(audit)
                  .name(name)
                  .build();
          var source = identity.accessTokens();
          add(
              new Pod(
                  name,
                  "gcp-federation",
                  account.subject(),
                  audience,
                  token,
                  () -> source,
                  source,
                  google));
        }
        case 3 -> {
          String audience = FederatedCredential.TOKEN_EXCHANGE_AUDIENCE;
          TokenFile token = project(account, audience);
          String clientId = String.format("00000000-0000-4000-8000-%012d", i);
          entra.register(clientId, FederatedCredential.of(oidc.issuerUrl(), account.subject()));
          AzureWorkloadIdentity identity =
              AzureWorkloadIdentity.builder()
                  .environment(Environment.of(entra.environment(clientId, token)))
                  .httpClient(azureHttp)
                  .readTimeout(READ_TIMEOUT)
                  .timebase(time)
                  .auditListener(audit)
                  .name(name)
                  .build();
          // What EphemeraTokenCredential does on every getToken: look the scope's source up, so an
          // idle scope is let go and a busy one is kept.
          add(
              new Pod(
                  name,
                  "azure",
                  account.subject(),
                  audience,
                  token,
                  () -> identity.source("https://storage.azure.com/.default"),
                  identity,
                  azure));
        }
        default -> {
          String audience = "vault";
          TokenFile token = project(account, audience);
          Map<String, String> env = new HashMap<>(vault.environment("soak", token));
          env.put("VAULT_AUTH_METHOD", "kubernetes");
          VaultCredentials credentials =
              VaultCredentials.builder()
                  .environment(Environment.of(env))
                  .readTimeout(VAULT_READ_TIMEOUT)
                  .timebase(time)
                  .auditListener(audit)
                  .name(name)
                  .build();
          var source = credentials.tokens();
          add(
              new Pod(
                  name,
                  "vault",
                  account.subject(),
                  audience,
                  token,
                  () -> source,
                  credentials,
                  hashicorp));
        }
      }
    }
  }

  private Upstream track(String name, FaultPlan faults, Journal journal) {
    Upstream u = new Upstream(name, faults, journal, journal.trackInFlight(SubjectKey::of));
    upstreams.add(u);
    return u;
  }

  private TokenFile project(ServiceAccount account, String audience) {
    return oidc.project(
        tokenDir.resolve(account.subject().replace(':', '_')), account, audience, TOKEN_LIFETIME);
  }

  private void add(Pod pod) {
    pods.add(pod);
    bySubject.put(pod.subject(), pod);
  }

  /** Closes every pod (revoking what its backend revokes), not the emulators. */
  void closePods() {
    for (Pod p : pods) {
      try {
        p.owner().close();
      } catch (Exception e) {
        throw new IllegalStateException(p.name() + " did not close", e);
      }
    }
  }

  /**
   * {@return the Vault tokens still live, but those no client could revoke: minted by a login whose
   * answer the client never saw whole (issued at one of {@code orphanedAt}), whose revocation
   * failed and was audited as failed ({@code revocationFailed}, by accessor), or whose revocation
   * was answered by a fault the client cannot tell from success ({@code 403}, Vault's answer for a
   * token it no longer knows, or a 2xx with a body: at one of {@code faultedRevokeAt})}
   */
  List<String> liveVaultTokens(
      Set<Instant> orphanedAt,
      Set<String> revocationFailed,
      Set<Instant> faultedRevokeAt,
      AuditTally audit) {
    return vault.liveTokens().stream()
        .filter(t -> !orphanedAt.contains(t.issuedAt()))
        .filter(t -> !revocationFailed.contains(t.accessor()))
        .filter(
            t ->
                audit.revokedAt(t.accessor()).map(at -> !faultedRevokeAt.contains(at)).orElse(true))
        // no accessor in the report: it can revoke; what the audit trail says of it instead
        .map(t -> t.authPath() + " login at " + t.issuedAt() + ": " + audit.history(t.accessor()))
        .toList();
  }

  @Override
  public void close() {
    sts.close();
    agent.close();
    googleSts.close();
    entra.close();
    vault.close();
    oidc.close();
    try (var files = Files.list(tokenDir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Files.deleteIfExists(p);
      }
      Files.deleteIfExists(tokenDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
