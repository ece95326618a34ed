package dev.ephemera.testkit.vault;

import dev.ephemera.testkit.emulator.Emulator;
import dev.ephemera.testkit.emulator.FaultPlan;
import dev.ephemera.testkit.emulator.Journal;
import dev.ephemera.testkit.oidc.OidcIssuer;
import dev.ephemera.testkit.oidc.TokenFile;
import java.net.URI;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A Vault server on loopback for tests, faithful to the HTTP API of PROTOCOLS.md §4.
 *
 * <pre>{@code
 * VaultEmulator vault = VaultEmulator.builder(time.upstreamClock()).oidc(oidc).start();
 * vault.kubernetesRole(VaultRole.builder("app").boundServiceAccount(sa)
 *     .ttl(Duration.ofHours(1)).maxTtl(Duration.ofHours(4)).build());
 * vault.dynamicSecret("database/creds/app", Duration.ofHours(1), Duration.ofHours(3), true);
 * ... the client under test logs in, renews, reads, revokes ...
 * assertThat(vault.tokens()).filteredOn(t -> !t.accessor().equals(current))
 *     .allMatch(t -> t.ending() == Ending.REVOKED);
 * }</pre>
 *
 * <p>What it enforces: Kubernetes and JWT logins verify the JWT with the {@link OidcIssuer} (RS256
 * signature, issuer, audience, expiry) and the role binding; tokens carry a TTL and a max TTL
 * measured on the injected clock; {@code renew-self} past the remaining max TTL is capped with
 * Vault's warning, and refused once none remains; {@code revoke-self} revokes the token and every
 * lease it created; leases renew, cap, expire and revoke the same way; Transit {@code ed25519} keys
 * sign and verify, and rotate, for tokens holding a policy their mount lets in ({@link
 * #transitMount}). Shared faults (sealed 503, 429 with Retry-After, 5xx, latency, resets, garbage,
 * outage windows) come from {@link #faults()}.
 */
public final class VaultEmulator implements AutoCloseable {
  private final VaultProtocol protocol;
  private final Emulator server;

  private VaultEmulator(Builder b) {
    this.protocol = new VaultProtocol(b.clock, b.oidc, b.namespace, b.systemMaxTtl);
    this.server =
        Emulator.builder("vault", protocol).clock(b.clock).https(b.https).port(b.port).start();
  }

  /**
   * {@return a builder for an emulator on {@code clock} (use the test's virtual clock)}
   *
   * @param clock the clock it runs on
   */
  public static Builder builder(Clock clock) {
    return new Builder(clock);
  }

  // ------------------------------------------------------------------ configuration

  /**
   * Registers a Kubernetes auth role on the mount {@code kubernetes}.
   *
   * @param role the role
   * @return this emulator
   */
  public VaultEmulator kubernetesRole(VaultRole role) {
    return kubernetesRole("kubernetes", role);
  }

  /**
   * Registers a Kubernetes auth role on {@code mount} (e.g. {@code k8s-prod}).
   *
   * @param mount the auth or secrets mount (e.g. {@code kubernetes})
   * @param role the role
   * @return this {@code VaultEmulator}
   */
  public VaultEmulator kubernetesRole(String mount, VaultRole role) {
    protocol.addRole(AuthMethod.KUBERNETES, mount, role);
    return this;
  }

  /**
   * Registers a JWT auth role on the mount {@code jwt}; the first role of a mount is its {@code
   * default_role}.
   *
   * @param role the role
   * @return this emulator
   */
  public VaultEmulator jwtRole(VaultRole role) {
    return jwtRole("jwt", role);
  }

  /**
   * Registers a JWT auth role on {@code mount}.
   *
   * @param mount the auth or secrets mount (e.g. {@code kubernetes})
   * @param role the role
   * @return this {@code VaultEmulator}
   */
  public VaultEmulator jwtRole(String mount, VaultRole role) {
    protocol.addRole(AuthMethod.JWT, mount, role);
    return this;
  }

  /**
   * Registers an AppRole role on the mount {@code approle}; returns its role id and a secret id.
   *
   * @param role the role
   * @return the role id and the first secret id
   */
  public AppRoleCredentials appRole(VaultRole role) {
    return appRole("approle", role);
  }

  /**
   * Registers an AppRole role on {@code mount}; returns its role id and a first secret id.
   *
   * @param mount the auth or secrets mount (e.g. {@code kubernetes})
   * @param role the role
   * @return the role id and the first secret id
   */
  public AppRoleCredentials appRole(String mount, VaultRole role) {
    return protocol.addAppRole(mount, role);
  }

  /**
   * Issues another secret id for an AppRole role.
   *
   * @param roleName the role name
   * @return the new secret id
   */
  public String newSecretId(String roleName) {
    return protocol.newSecretId(roleName);
  }

  /**
   * Issues a secret id for an AppRole role and response-wraps it: the returned wrapping token can
   * be unwrapped once through {@code sys/wrapping/unwrap} within {@code ttl}.
   *
   * @param roleName the role name
   * @param ttl the time to live; positive
   * @return the wrapping token
   */
  public String wrapSecretId(String roleName, Duration ttl) {
    return protocol.wrapSecretId(roleName, ttl);
  }

  /**
   * Mounts a dynamic secret at {@code path} (e.g. {@code database/creds/app}): every read creates a
   * lease with a fresh username and password.
   *
   * @param path the path
   * @param ttl the time to live; positive
   * @param maxTtl the maximum time to live; positive
   * @param renewable the renewable
   * @return this {@code VaultEmulator}
   */
  public VaultEmulator dynamicSecret(
      String path, Duration ttl, Duration maxTtl, boolean renewable) {
    protocol.addDynamicSecret(path, ttl, maxTtl, renewable);
    return this;
  }

  /**
   * Writes a new version of a KV v2 secret; returns its version number.
   *
   * @param mount the auth or secrets mount (e.g. {@code kubernetes})
   * @param path the path
   * @param data the data
   * @return the new version number
   */
  public int putKv(String mount, String path, Map<String, String> data) {
    return protocol.putKv(mount, path, data);
  }

  /**
   * Soft-deletes the latest version of a KV v2 secret.
   *
   * @param mount the auth or secrets mount (e.g. {@code kubernetes})
   * @param path the path
   */
  public void deleteKv(String mount, String path) {
    protocol.deleteKv(mount, path);
  }

  /**
   * Mounts the Transit secrets engine at {@code mount} (once) and lets tokens holding any of {@code
   * policies} use all of it: create, read and rotate keys, sign and verify (Vault's ACL {@code path
   * "<mount>/*"}). Calling it again adds policies. Tokens with none of them get {@code 403
   * permission denied}; the {@code default} policy alone grants nothing, as in Vault.
   *
   * <pre>{@code
   * vault.transitMount("transit", "audit-signer").transitKey("audit-signing");
   * vault.kubernetesRole(VaultRole.builder("app").boundServiceAccount(sa)
   *     .policies("audit-signer").build());
   * }</pre>
   *
   * @param mount the secrets mount (e.g. {@code transit})
   * @param policies the policies that may use it
   * @return this {@code VaultEmulator}
   */
  public VaultEmulator transitMount(String mount, String... policies) {
    protocol.addTransitMount(mount, List.of(policies));
    return this;
  }

  /**
   * Creates an {@code ed25519} Transit key, version 1, on the mount {@code transit} (mounted with
   * no policies if {@link #transitMount} was not called for it).
   *
   * @param name the key name (Vault's name pattern: word characters, {@code -} and {@code .})
   * @return this {@code VaultEmulator}
   * @throws IllegalArgumentException if the key exists or the name is not a key name
   */
  public VaultEmulator transitKey(String name) {
    return transitKey("transit", name);
  }

  /**
   * Creates an {@code ed25519} Transit key, version 1, on {@code mount}.
   *
   * @param mount the secrets mount (e.g. {@code transit})
   * @param name the key name
   * @return this {@code VaultEmulator}
   * @throws IllegalArgumentException if the key exists or the name is not a key name
   */
  public VaultEmulator transitKey(String mount, String name) {
    protocol.addTransitKey(mount, name);
    return this;
  }

  /**
   * Rotates a Transit key as an operator would: a new latest version signs from now on.
   *
   * @param mount the secrets mount (e.g. {@code transit})
   * @param name the key name
   * @return the new latest version
   * @throws IllegalArgumentException if there is no such key
   */
  public int rotateTransitKey(String mount, String name) {
    return protocol.rotateTransitKey(mount, name);
  }

  /**
   * {@return the public key of the latest version of the Transit key {@code name} on the mount
   * {@code transit}, to verify its signatures with}
   *
   * @param name the key name
   * @throws IllegalArgumentException if there is no such key
   */
  public PublicKey transitPublicKey(String name) {
    return protocol.transitPublicKey("transit", name, 0);
  }

  /**
   * {@return the public key of one version of a Transit key}
   *
   * @param mount the secrets mount (e.g. {@code transit})
   * @param name the key name
   * @param version the key version, from 1
   * @throws IllegalArgumentException if there is no such key or version
   */
  public PublicKey transitPublicKey(String mount, String name, int version) {
    if (version < 1) {
      throw new IllegalArgumentException("version must be positive: " + version);
    }
    return protocol.transitPublicKey(mount, name, version);
  }

  /** Seals Vault: every request gets {@code 503 {"errors":["Vault is sealed"]}}. */
  public void seal() {
    protocol.setSealed(true);
  }

  /** Unseals Vault. */
  public void unseal() {
    protocol.setSealed(false);
  }

  /**
   * Revokes a token as an operator would (the client is not told).
   *
   * @param accessor the token accessor
   */
  public void revokeToken(String accessor) {
    protocol.revokeByAccessor(accessor);
  }

  // ------------------------------------------------------------------ state

  /** {@return every token issued so far, in order, with how it ended} */
  public List<TokenState> tokens() {
    return protocol.tokens();
  }

  /**
   * {@return one token by accessor}
   *
   * @param accessor the token accessor
   */
  public Optional<TokenState> token(String accessor) {
    return tokens().stream().filter(t -> t.accessor().equals(accessor)).findFirst();
  }

  /** {@return every lease issued so far, in order, with how it ended} */
  public List<LeaseState> leases() {
    return protocol.leases();
  }

  /**
   * {@return one lease by id}
   *
   * @param leaseId the lease id
   */
  public Optional<LeaseState> lease(String leaseId) {
    return leases().stream().filter(l -> l.leaseId().equals(leaseId)).findFirst();
  }

  /** {@return the tokens still valid now} */
  public List<TokenState> liveTokens() {
    return tokens().stream().filter(TokenState::alive).toList();
  }

  /** {@return the leases still valid now} */
  public List<LeaseState> liveLeases() {
    return leases().stream().filter(LeaseState::alive).toList();
  }

  /**
   * {@return the accessor Vault knows for a token value (what a client's {@code VaultToken.id()}
   * should be), or empty}
   *
   * @param token the token
   */
  public Optional<String> accessorOf(String token) {
    return protocol.accessorOf(token);
  }

  // ------------------------------------------------------------------ server

  /** {@return the address clients use as {@code VAULT_ADDR}} */
  public String address() {
    return server.baseUrl();
  }

  /** {@return the address as a URI} */
  public URI uri() {
    return server.baseUri();
  }

  /**
   * What a pod logging in with Kubernetes auth as {@code role} sets, pointed at this emulator:
   * {@code VAULT_ADDR}, {@code VAULT_ROLE} and {@code VAULT_JWT_FILE} (the projected token), for
   * {@code VaultCredentials.fromEnvironment(Environment.of(map))}. Add {@code VAULT_NAMESPACE} for
   * a namespaced emulator.
   *
   * @param role the Kubernetes auth role
   * @param token the projected token file the pod mounts
   * @return the environment variables and their values
   */
  public Map<String, String> environment(String role, TokenFile token) {
    return Map.of(
        "VAULT_ADDR", address(),
        "VAULT_ROLE", Objects.requireNonNull(role, "role"),
        "VAULT_JWT_FILE", token.path().toString());
  }

  /** {@return the faults to inject} */
  public FaultPlan faults() {
    return server.faults();
  }

  /** {@return every request received} */
  public Journal journal() {
    return server.journal();
  }

  /** {@return the underlying emulator server} */
  public Emulator server() {
    return server;
  }

  @Override
  public void close() {
    server.close();
  }

  @Override
  public String toString() {
    return "VaultEmulator[" + server.baseUrl() + "]";
  }

  /** Builds a {@link VaultEmulator}. */
  public static final class Builder {
    private final Clock clock;
    private @Nullable OidcIssuer oidc;
    private boolean https;
    private String namespace = "";
    private Duration systemMaxTtl = Duration.ofDays(32);
    private int port;

    private Builder(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The issuer Kubernetes and JWT logins trust (required for those logins).
     *
     * @param oidc the issuer Kubernetes and JWT logins trust (required for those logins)
     * @return this builder
     */
    public Builder oidc(OidcIssuer oidc) {
      this.oidc = Objects.requireNonNull(oidc, "oidc");
      return this;
    }

    /**
     * Serve HTTPS with the testkit's loopback certificate.
     *
     * @param https {@code true} to serve HTTPS
     * @return this builder
     */
    public Builder https(boolean https) {
      this.https = https;
      return this;
    }

    /**
     * Puts every mount, role and token in this Enterprise namespace (e.g. {@code team-a/}):
     * requests must name it in {@code X-Vault-Namespace} or as a path prefix.
     *
     * @param namespace the namespace
     * @return this builder
     */
    public Builder namespace(String namespace) {
      this.namespace = VaultPaths.normalizeNamespace(Objects.requireNonNull(namespace));
      return this;
    }

    /**
     * The system max TTL ({@code max_lease_ttl}); default 32 days.
     *
     * @param ttl the system max TTL ({@code max_lease_ttl}); default 32 days
     * @return this builder
     */
    public Builder systemMaxTtl(Duration ttl) {
      this.systemMaxTtl = VaultRole.positive(ttl, "systemMaxTtl");
      return this;
    }

    /**
     * A fixed port; default 0 (any free port).
     *
     * @param port the port, 0..65535
     * @return this builder
     */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0..65535: " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * Starts the emulator, on a free loopback port unless {@link #port(int)} fixed one.
     *
     * @return the running emulator
     */
    public VaultEmulator start() {
      return new VaultEmulator(this);
    }
  }
}
