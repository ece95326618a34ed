package dev.ephemera.vault;

import dev.ephemera.core.CredentialConfigurationException;
import dev.ephemera.core.CredentialSource;
import dev.ephemera.core.CredentialSources;
import dev.ephemera.core.CredentialUnavailableException;
import dev.ephemera.core.CredentialUnavailableException.Reason;
import dev.ephemera.core.Environment;
import dev.ephemera.core.Subscription;
import dev.ephemera.core.audit.AuditEvent;
import dev.ephemera.core.audit.AuditEventType;
import dev.ephemera.core.audit.AuditHost;
import dev.ephemera.core.audit.AuditOutcome;
import dev.ephemera.core.audit.AuditPublisher;
import dev.ephemera.core.refresh.EngineConfigurable;
import dev.ephemera.core.refresh.EngineSettings;
import dev.ephemera.core.refresh.RefreshPolicy;
import dev.ephemera.core.refresh.RefreshingCredentialSource;
import dev.ephemera.core.refresh.Timebase;
import dev.ephemera.core.spi.http.EndpointPolicy;
import dev.ephemera.vault.internal.LeaseIssuer;
import dev.ephemera.vault.internal.Tls;
import dev.ephemera.vault.internal.TokenIssuer;
import dev.ephemera.vault.internal.VaultPaths;
import dev.ephemera.vault.internal.VaultTransport;
import io.github.jopenlibs.vault.VaultException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * The entry point to Vault: logs a workload in with its identity and keeps everything that hangs
 * off the token fresh.
 *
 * <pre>{@code
 * try (VaultCredentials vault = VaultCredentials.fromEnvironment()) {
 *   CredentialSource<VaultLease> db = vault.lease("database/creds/app");
 *   db.subscribe(lease -> pool.rotate(lease.get("username"), lease.get("password")));
 *   Optional<VaultSecret> api = vault.kv("secret").readSecret("app/api-key");
 *   Vault driver = Vault.create(vault.driverConfig(), 2);   // existing driver code
 * }
 * }</pre>
 *
 * <ul>
 *   <li>{@link #tokens()}: the client token as a {@link CredentialSource}: login at build, {@code
 *       renew-self} at 2/3 of each TTL, a new login when Vault caps the renewal near the max TTL or
 *       refuses it, the superseded token revoked (with {@code revoke-self}) after the swap, the
 *       last one revoked on {@link #close()}.
 *   <li>{@link #lease(String)}: a dynamic secret as a {@link CredentialSource}: renewed until it
 *       cannot be extended, then re-read; subscribers are told before the old lease is revoked,
 *       after the {@linkplain Builder#leaseRevokeGrace lease grace}. A token rotation re-reads the
 *       secret at once: Vault revokes a token's leases with the token.
 *   <li>{@link #kv(String)}: audited KV v2 reads.
 *   <li>{@link #transitSigner(String)}: a checkpoint signer for the audit chain whose {@code
 *       ed25519} key stays in Vault's Transit engine.
 *   <li>{@link #driverConfig()}: the Vault Java driver's configuration, its token following
 *       rotation.
 * </ul>
 *
 * <p>Environment variables read by {@link #fromEnvironment()} (explicit builder settings win):
 *
 * <table>
 *   <caption>Environment</caption>
 *   <tr><th>variable</th><th>meaning</th></tr>
 *   <tr><td>{@code VAULT_ADDR}</td><td>Vault's address; required. Plain {@code http} only to
 *       loopback unless {@link Builder#allowPlainHttp(boolean)}</td></tr>
 *   <tr><td>{@code VAULT_NAMESPACE}</td><td>Enterprise namespace</td></tr>
 *   <tr><td>{@code VAULT_CACERT}</td><td>PEM file of the CA certificates to trust (default: the
 *       JVM's trust store)</td></tr>
 *   <tr><td>{@code VAULT_CLIENT_TIMEOUT}</td><td>per-request timeout, seconds or a Go duration
 *       ({@code 30s}); default 10 s</td></tr>
 *   <tr><td>{@code VAULT_AUTH_METHOD}</td><td>{@code kubernetes} (default), {@code jwt} or
 *       {@code approle}</td></tr>
 *   <tr><td>{@code VAULT_AUTH_MOUNT}</td><td>the auth mount, without {@code auth/}; default the
 *       method's name</td></tr>
 *   <tr><td>{@code VAULT_ROLE}</td><td>the role; required for kubernetes, optional for jwt
 *       ({@code default_role})</td></tr>
 *   <tr><td>{@code VAULT_JWT_FILE}</td><td>the JWT; default the pod's service-account token for
 *       kubernetes, required for jwt</td></tr>
 *   <tr><td>{@code VAULT_ROLE_ID}</td><td>approle: the role id</td></tr>
 *   <tr><td>{@code VAULT_SECRET_ID_FILE}</td><td>approle: file holding the secret id</td></tr>
 *   <tr><td>{@code VAULT_WRAPPED_SECRET_ID_FILE}</td><td>approle: file holding a
 *       response-wrapped secret id (instead of {@code VAULT_SECRET_ID_FILE})</td></tr>
 * </table>
 *
 * <p>Thread-safe. {@link #close()} closes every lease source (revoking its lease) and then the
 * token source (revoking the token).
 */
public final class VaultCredentials implements AutoCloseable {
  /** Vault's address. */
  public static final String VAULT_ADDR = "VAULT_ADDR";

  /** Enterprise namespace. */
  public static final String VAULT_NAMESPACE = "VAULT_NAMESPACE";

  /** PEM CA bundle to trust. */
  public static final String VAULT_CACERT = "VAULT_CACERT";

  /** Per-request timeout. */
  public static final String VAULT_CLIENT_TIMEOUT = "VAULT_CLIENT_TIMEOUT";

  /** Auth method: kubernetes, jwt or approle. */
  public static final String VAULT_AUTH_METHOD = "VAULT_AUTH_METHOD";

  /** Auth mount, without {@code auth/}. */
  public static final String VAULT_AUTH_MOUNT = "VAULT_AUTH_MOUNT";

  /** Role for kubernetes and jwt. */
  public static final String VAULT_ROLE = "VAULT_ROLE";

  /** JWT file for kubernetes and jwt. */
  public static final String VAULT_JWT_FILE = "VAULT_JWT_FILE";

  /** AppRole role id. */
  public static final String VAULT_ROLE_ID = "VAULT_ROLE_ID";

  /** AppRole secret-id file. */
  public static final String VAULT_SECRET_ID_FILE = "VAULT_SECRET_ID_FILE";

  /** AppRole response-wrapped secret-id file. */
  public static final String VAULT_WRAPPED_SECRET_ID_FILE = "VAULT_WRAPPED_SECRET_ID_FILE";

  /** Extra time the superseded token outlives the lease grace: time for leases to move. */
  private static final Duration TOKEN_AFTER_LEASES = Duration.ofSeconds(30);

  /** The token source's name when none is set; leases add {@code :path}, KV reads {@code :kv}. */
  private static final String DEFAULT_NAME = "vault";

  private final EngineSettings engine;
  private final String name;
  private final VaultTransport transport;
  private final TokenIssuer tokenIssuer;
  private final RefreshingCredentialSource<VaultToken> tokens;
  private final Timebase time;
  private final RefreshPolicy leasePolicy;
  private final @Nullable Duration leaseIncrement;
  private final AuditHost host;
  private final AuditPublisher kvAudit;
  private final Duration kvCacheTtl;

  private final Object lock = new Object();
  private final List<CredentialSource<VaultLease>> leases = new ArrayList<>(); // guarded by lock
  private final List<Subscription> subscriptions = new ArrayList<>(); // guarded by lock
  private boolean closed; // guarded by lock

  private VaultCredentials(Builder b, Settings s) {
    EngineSettings engine = b.engine.build();
    this.engine = engine;
    this.name = engine.name().orElse(DEFAULT_NAME);
    this.time = engine.timebase();
    this.transport =
        new VaultTransport(
            s.address,
            s.namespace,
            s.tls,
            b.connectTimeout,
            s.readTimeout,
            time.clock(),
            s.endpoints);
    this.tokenIssuer = TokenIssuer.forLogin(transport, s.login, time.clock(), b.tokenIncrement);
    AuditHost host = engine.auditHost().orElseGet(AuditHost::local);
    this.host = host;
    this.leaseIncrement = b.leaseIncrement;
    this.leasePolicy = b.leasePolicy.toBuilder().revokeDelay(b.leaseRevokeGrace).build();
    RefreshPolicy tokenPolicy = engine.refreshPolicy();
    Duration tokenDelay = b.leaseRevokeGrace.plus(TOKEN_AFTER_LEASES);
    if (tokenPolicy.revokeDelay().compareTo(tokenDelay) > 0) {
      tokenDelay = tokenPolicy.revokeDelay();
    }
    this.kvCacheTtl = b.kvCacheTtl;
    String source = name;
    this.kvAudit =
        new AuditPublisher(
            engine.auditListeners(),
            time.scheduler().auditDelivery(),
            10_000,
            dropped ->
                AuditEvent.builder(AuditEventType.ANOMALY, AuditOutcome.FAILURE)
                    .time(time.clock().instant())
                    .source(source)
                    .host(host)
                    .attribute("anomaly", "audit-events-dropped")
                    .attribute("dropped", Long.toString(dropped))
                    .build());
    this.tokens =
        engine
            .applyTo(
                CredentialSources.refreshing(tokenIssuer),
                DEFAULT_NAME,
                tokenPolicy.toBuilder().revokeDelay(tokenDelay).build())
            .build();
  }

  /**
   * Reads the process environment (see the table above) and logs in.
   *
   * @return the credentials, logging in in the background
   */
  public static VaultCredentials fromEnvironment() {
    return fromEnvironment(Environment.system());
  }

  /**
   * Reads {@code environment} (see the table above) and logs in in the background.
   *
   * @param environment the environment to read the settings from
   * @return the credentials, logging in in the background
   * @throws CredentialConfigurationException naming the variable that is missing or wrong
   */
  public static VaultCredentials fromEnvironment(Environment environment) {
    return builder().environment(environment).build();
  }

  /** {@return a builder for explicit configuration} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * {@return the token source} Do not close it directly while leases use it; close this instead.
   */
  public CredentialSource<VaultToken> tokens() {
    return tokens;
  }

  /**
   * {@return a new source for the dynamic secret at {@code path} (e.g. {@code database/creds/app}):
   * each call reads its own lease, so keep the source} It is closed (and its lease revoked) by
   * {@link #close()}, or earlier by closing it.
   *
   * @param path the path
   * @throws CredentialConfigurationException if {@code path} is not a Vault path
   * @throws CredentialUnavailableException CLOSED after {@link #close()}
   */
  public CredentialSource<VaultLease> lease(String path) {
    String p = VaultPaths.normalize(path, "path");
    LeaseIssuer issuer =
        new LeaseIssuer(transport, tokens, p, time.clock(), leaseIncrement, tokenIssuer::describe);
    synchronized (lock) {
      if (closed) {
        throw new CredentialUnavailableException(Reason.CLOSED, "VaultCredentials is closed");
      }
    }
    RefreshingCredentialSource<VaultLease> source =
        engine
            .applyTo(CredentialSources.refreshing(issuer), DEFAULT_NAME, leasePolicy)
            .name(name + ":" + p)
            .build();
    // Vault revokes a token's leases with the token: move to a lease of the new token at once,
    // within the grace the superseded token still has.
    Subscription sub = tokens.subscribe(token -> source.refresh());
    boolean lateClose;
    synchronized (lock) {
      lateClose = closed;
      if (!lateClose) {
        subscriptions.add(sub);
        leases.add(source);
      }
    }
    if (lateClose) {
      sub.close();
      source.close();
      throw new CredentialUnavailableException(Reason.CLOSED, "VaultCredentials is closed");
    }
    return source;
  }

  /**
   * {@return a reader for the KV v2 mount {@code mount}, with the builder's cache TTL}
   *
   * @param mount the auth or secrets mount (e.g. {@code kubernetes})
   */
  public VaultKv kv(String mount) {
    return kv(mount, kvCacheTtl);
  }

  /**
   * {@return a reader for the KV v2 mount {@code mount} that keeps found versions in memory for
   * {@code cacheTtl} ({@link Duration#ZERO} for none)}
   *
   * @param mount the auth or secrets mount (e.g. {@code kubernetes})
   * @param cacheTtl the cache ttl
   */
  public VaultKv kv(String mount, Duration cacheTtl) {
    Objects.requireNonNull(cacheTtl, "cacheTtl");
    if (cacheTtl.isNegative()) {
      throw new IllegalArgumentException("cacheTtl must not be negative: " + cacheTtl);
    }
    return new VaultKv(
        mount,
        transport,
        tokens,
        time,
        kvAudit,
        host,
        name + ":kv",
        tokenIssuer::describe,
        cacheTtl);
  }

  /**
   * {@return a checkpoint signer over the {@code ed25519} key {@code key} of the Transit engine
   * mounted at {@value VaultTransitSigner#DEFAULT_MOUNT}} It reads the key's latest version and
   * public key now, with the current token.
   *
   * @param key the Transit key name, e.g. {@code audit-signing}
   * @throws CredentialConfigurationException if {@code key} is not a key name, or names a key that
   *     is not {@code ed25519}
   * @throws CredentialUnavailableException when the key cannot be read: no token (CLOSED after
   *     {@link #close()}), {@code permission denied} (REJECTED), no such key (CONFIGURATION), Vault
   *     failing or answering garbage
   */
  public VaultTransitSigner transitSigner(String key) {
    return transitSigner(VaultTransitSigner.DEFAULT_MOUNT, key);
  }

  /**
   * {@return a checkpoint signer over the {@code ed25519} key {@code key} of the Transit engine
   * mounted at {@code mount}} It reads the key's latest version and public key now, with the
   * current token.
   *
   * @param mount the Transit mount, e.g. {@code transit} or {@code audit/transit}
   * @param key the Transit key name, e.g. {@code audit-signing}
   * @throws CredentialConfigurationException if {@code mount} is not a Vault path or {@code key}
   *     not a key name, or names a key that is not {@code ed25519}
   * @throws CredentialUnavailableException when the key cannot be read, as for {@link
   *     #transitSigner(String)}
   */
  public VaultTransitSigner transitSigner(String mount, String key) {
    return new VaultTransitSigner(transport, tokens, mount, key);
  }

  /**
   * {@return a Vault Java driver configuration (address, TLS, namespace, timeouts, retries off)
   * whose token is always the one {@link #tokens()} holds: {@code Vault.create(config, 2)}}
   */
  public VaultDriverConfig driverConfig() {
    VaultDriverConfig config = VaultDriverConfig.of(tokens);
    config.address(transport.address());
    config.httpClient(transport.httpClient());
    config.openTimeout(transport.connectTimeoutSeconds());
    config.readTimeout(transport.readTimeoutSeconds());
    config.engineVersion(2);
    try {
      String ns = transport.namespace();
      if (ns != null) {
        config.nameSpace(ns);
      }
      config.build();
    } catch (VaultException e) {
      throw new IllegalStateException("the Vault driver rejected a complete configuration", e);
    }
    return config;
  }

  /** {@return vault's address} */
  public String address() {
    return transport.address();
  }

  /**
   * Closes every lease source (revoking its lease), then the token source (revoking the token).
   * Idempotent.
   */
  @Override
  public void close() {
    List<CredentialSource<VaultLease>> toClose;
    List<Subscription> subs;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      toClose = List.copyOf(leases);
      subs = List.copyOf(subscriptions);
      leases.clear();
      subscriptions.clear();
    }
    subs.forEach(Subscription::close);
    toClose.forEach(CredentialSource::close);
    tokens.close();
  }

  @Override
  public String toString() {
    return "VaultCredentials[" + name + " " + transport + ", " + tokenIssuer + "]";
  }

  /** The resolved settings. */
  private record Settings(
      String address,
      EndpointPolicy endpoints,
      @Nullable String namespace,
      SSLContext tls,
      Duration readTimeout,
      VaultLogin login) {}

  /**
   * Builds {@link VaultCredentials}; explicit settings win over the environment.
   *
   * <p>The engine settings ({@link EngineConfigurable}: {@code name}, {@code refreshPolicy}, {@code
   * timebase}, {@code auditListener(s)}, {@code auditHost}, {@code prefetch}, {@code random}) apply
   * to the token source and every lease source; the name is the token source's (default {@code
   * vault}), leases add {@code :path}. {@code refreshPolicy} is the token's: its revoke delay is
   * raised to at least the {@linkplain #leaseRevokeGrace lease grace} plus 30 s, so leases move to
   * the new token before the old one (and its leases) goes. Leases have their own {@link
   * #leasePolicy}.
   */
  public static final class Builder implements EngineConfigurable<Builder> {
    private static final Pattern GO_DURATION = Pattern.compile("(\\d+)(ms|h|m|s)");

    private @Nullable Environment environment;
    private @Nullable String address;
    private String addressSetting = "address";
    private @Nullable String namespace;
    private @Nullable Path caCertificate;
    private @Nullable SSLContext sslContext;
    private boolean allowPlainHttp;
    private @Nullable VaultLogin login;
    private final EngineSettings.Builder engine = EngineSettings.builder();
    private RefreshPolicy leasePolicy = RefreshPolicy.defaults();
    private Duration leaseRevokeGrace = Duration.ofSeconds(30);
    private @Nullable Duration tokenIncrement;
    private @Nullable Duration leaseIncrement;
    private Duration connectTimeout = Duration.ofSeconds(5);
    private @Nullable Duration readTimeout;
    private Duration kvCacheTtl = Duration.ZERO;

    private Builder() {}

    @Override
    public Builder engine(Consumer<? super EngineSettings.Builder> change) {
      change.accept(engine);
      return this;
    }

    /**
     * Fills every setting not given explicitly from {@code environment} (see the table).
     *
     * @param environment the environment to read the settings from
     * @return this builder
     */
    public Builder environment(Environment environment) {
      this.environment = Objects.requireNonNull(environment, "environment");
      return this;
    }

    /**
     * Vault's address, e.g. {@code https://vault.example.com:8200}.
     *
     * @param address the address
     * @return this builder
     */
    public Builder address(String address) {
      this.address = Objects.requireNonNull(address, "address");
      this.addressSetting = "address";
      return this;
    }

    /**
     * Vault's address.
     *
     * @param address the address
     * @return this builder
     */
    public Builder address(URI address) {
      return address(Objects.requireNonNull(address, "address").toString());
    }

    /**
     * The Enterprise namespace, e.g. {@code team-a} or {@code parent/child}.
     *
     * @param namespace the Enterprise namespace, e.g. {@code team-a} or {@code parent/child}
     * @return this builder
     */
    public Builder namespace(String namespace) {
      this.namespace = Objects.requireNonNull(namespace, "namespace");
      return this;
    }

    /**
     * A PEM file of the CA certificates to trust instead of the JVM's trust store.
     *
     * @param pemFile a PEM file of the CA certificates to trust instead of the JVM's trust store
     * @return this builder
     */
    public Builder caCertificate(Path pemFile) {
      this.caCertificate = Objects.requireNonNull(pemFile, "pemFile");
      return this;
    }

    /**
     * A TLS context to use as it is (wins over {@link #caCertificate}).
     *
     * @param context a TLS context to use as it is (wins over {@link #caCertificate})
     * @return this builder
     */
    public Builder sslContext(SSLContext context) {
      this.sslContext = Objects.requireNonNull(context, "context");
      return this;
    }

    /**
     * Opts in to plain {@code http} to a host that is not loopback. Tokens and secrets then cross
     * the network unencrypted; use it only inside a trusted sidecar network.
     *
     * @param allow {@code true} to allow it
     * @return this builder
     */
    public Builder allowPlainHttp(boolean allow) {
      this.allowPlainHttp = allow;
      return this;
    }

    /**
     * How to log in.
     *
     * @param login how to log in
     * @return this builder
     */
    public Builder login(VaultLogin login) {
      this.login = Objects.requireNonNull(login, "login");
      return this;
    }

    /**
     * When to renew leases and how to retry; its revoke delay is the lease grace. The token's is
     * {@link #refreshPolicy}.
     *
     * @param policy when to renew leases and how to retry; its revoke delay is the lease grace
     * @return this builder
     */
    public Builder leasePolicy(RefreshPolicy policy) {
      this.leasePolicy = Objects.requireNonNull(policy, "leasePolicy");
      return this;
    }

    /**
     * How long a superseded lease stays valid after subscribers were told of its replacement (so
     * pooled connections can drain); default 30 s.
     *
     * @param grace how long a superseded lease stays valid after subscribers were told of its
     *     replacement (so pooled connections can drain); default 30 s
     * @return this builder
     */
    public Builder leaseRevokeGrace(Duration grace) {
      Objects.requireNonNull(grace, "grace");
      if (grace.isNegative()) {
        throw new IllegalArgumentException("leaseRevokeGrace must not be negative: " + grace);
      }
      this.leaseRevokeGrace = grace;
      return this;
    }

    /**
     * The TTL asked of each token renewal; default none (Vault applies the role's TTL).
     *
     * @param increment the TTL asked of each token renewal; default none (Vault applies the role's
     *     TTL)
     * @return this builder
     */
    public Builder tokenIncrement(Duration increment) {
      this.tokenIncrement = wholeSeconds(increment, "tokenIncrement");
      return this;
    }

    /**
     * The TTL asked of each lease renewal; default none (the secret engine's TTL).
     *
     * @param increment the TTL asked of each lease renewal; default none (the secret engine's TTL)
     * @return this builder
     */
    public Builder leaseIncrement(Duration increment) {
      this.leaseIncrement = wholeSeconds(increment, "leaseIncrement");
      return this;
    }

    /**
     * The connect timeout; default 5 s (rounded up to whole seconds, the driver's unit).
     *
     * @param timeout the connect timeout; default 5 s (rounded up to whole seconds, the driver's
     *     unit)
     * @return this builder
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = wholeSeconds(timeout, "connectTimeout");
      return this;
    }

    /**
     * The per-request timeout; default 10 s or {@code VAULT_CLIENT_TIMEOUT}.
     *
     * @param timeout the per-request timeout; default 10 s or {@code VAULT_CLIENT_TIMEOUT}
     * @return this builder
     */
    public Builder readTimeout(Duration timeout) {
      this.readTimeout = wholeSeconds(timeout, "readTimeout");
      return this;
    }

    /**
     * How long {@link #kv(String)} readers keep found versions in memory; default none.
     *
     * @param ttl how long {@link #kv(String)} readers keep found versions in memory; default none
     * @return this builder
     */
    public Builder kvCacheTtl(Duration ttl) {
      Objects.requireNonNull(ttl, "kvCacheTtl");
      if (ttl.isNegative()) {
        throw new IllegalArgumentException("kvCacheTtl must not be negative: " + ttl);
      }
      this.kvCacheTtl = ttl;
      return this;
    }

    /**
     * Validates the settings and starts logging in in the background.
     *
     * @return the new {@code VaultCredentials}
     * @throws CredentialConfigurationException naming the setting that is missing or wrong
     */
    public VaultCredentials build() {
      return new VaultCredentials(this, resolve());
    }

    private Settings resolve() {
      String addr = address;
      String setting = addressSetting;
      if (addr == null) {
        addr = env(VAULT_ADDR).orElse(null);
        setting = VAULT_ADDR;
      }
      if (addr == null) {
        throw new CredentialConfigurationException(
            VAULT_ADDR, "is not set (nor was address(...) called on the builder)");
      }
      EndpointPolicy endpoints = EndpointPolicy.loopbackOnly().withPlainHttpAllowed(allowPlainHttp);
      String resolvedAddress = checkAddress(addr, setting, endpoints);
      String ns = namespace != null ? namespace : env(VAULT_NAMESPACE).orElse(null);
      String resolvedNs = ns == null ? null : normalizeNamespace(ns);
      SSLContext tls = sslContext;
      if (tls == null) {
        if (caCertificate != null) {
          tls = Tls.trusting(caCertificate, "caCertificate");
        } else {
          Optional<String> ca = env(VAULT_CACERT);
          tls = ca.isPresent() ? Tls.trusting(Path.of(ca.get()), VAULT_CACERT) : Tls.platform();
        }
      }
      Duration read = readTimeout;
      if (read == null) {
        Optional<String> t = env(VAULT_CLIENT_TIMEOUT);
        read = t.isPresent() ? parseTimeout(t.get()) : Duration.ofSeconds(10);
      }
      VaultLogin resolvedLogin = login != null ? login : loginFromEnvironment();
      return new Settings(resolvedAddress, endpoints, resolvedNs, tls, read, resolvedLogin);
    }

    private Optional<String> env(String name) {
      Environment e = environment;
      return e == null ? Optional.empty() : e.get(name);
    }

    private String requireEnv(String name, String why) {
      return env(name).orElseThrow(() -> new CredentialConfigurationException(name, why));
    }

    private VaultLogin loginFromEnvironment() {
      if (environment == null) {
        throw new CredentialConfigurationException(
            "login", "is not set: call login(...) or environment(...) on the builder");
      }
      String method = env(VAULT_AUTH_METHOD).orElse("kubernetes").toLowerCase(Locale.ROOT);
      VaultLogin l =
          switch (method) {
            case "kubernetes" ->
                VaultLogin.kubernetes(
                        requireEnv(
                            VAULT_ROLE, "is not set; the kubernetes auth method needs a role"),
                        env(VAULT_JWT_FILE).map(Path::of).orElse(VaultLogin.KUBERNETES_TOKEN_FILE))
                    .withFileSetting(VAULT_JWT_FILE);
            case "jwt", "oidc" -> {
              Path file =
                  Path.of(requireEnv(VAULT_JWT_FILE, "is not set; the jwt auth method needs it"));
              Optional<String> role = env(VAULT_ROLE);
              yield (role.isPresent() ? VaultLogin.jwt(role.get(), file) : VaultLogin.jwt(file))
                  .withFileSetting(VAULT_JWT_FILE);
            }
            case "approle" -> {
              String roleId =
                  requireEnv(VAULT_ROLE_ID, "is not set; the approle auth method needs it");
              Optional<String> plain = env(VAULT_SECRET_ID_FILE);
              Optional<String> wrapped = env(VAULT_WRAPPED_SECRET_ID_FILE);
              if (plain.isPresent() == wrapped.isPresent()) {
                throw new CredentialConfigurationException(
                    VAULT_SECRET_ID_FILE,
                    "or "
                        + VAULT_WRAPPED_SECRET_ID_FILE
                        + " must be set, not both and not neither, for the approle auth method");
              }
              yield plain.isPresent()
                  ? VaultLogin.appRole(roleId, Path.of(plain.get()))
                      .withFileSetting(VAULT_SECRET_ID_FILE)
                  : VaultLogin.appRoleWrapped(roleId, Path.of(wrapped.orElseThrow()))
                      .withFileSetting(VAULT_WRAPPED_SECRET_ID_FILE);
            }
            default ->
                throw new CredentialConfigurationException(
                    VAULT_AUTH_METHOD, "is '" + method + "'; expected kubernetes, jwt or approle");
          };
      Optional<String> mount = env(VAULT_AUTH_MOUNT);
      if (mount.isPresent()) {
        try {
          l = l.withMount(mount.get());
        } catch (IllegalArgumentException e) {
          throw new CredentialConfigurationException(
              VAULT_AUTH_MOUNT, "is not a Vault path: " + mount.get());
        }
      }
      return l;
    }

    /** Core's endpoint rule, plus Vault's: an address is a base URL, with no query or fragment. */
    private static String checkAddress(String raw, String setting, EndpointPolicy endpoints) {
      URI uri = endpoints.check(raw, setting);
      if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
        throw new CredentialConfigurationException(
            setting, "must not carry a query or a fragment: " + raw);
      }
      String s = uri.toString();
      while (s.endsWith("/")) {
        s = s.substring(0, s.length() - 1);
      }
      return s;
    }

    private static String normalizeNamespace(String ns) {
      String n = ns.strip();
      while (n.startsWith("/")) {
        n = n.substring(1);
      }
      while (n.endsWith("/")) {
        n = n.substring(0, n.length() - 1);
      }
      if (n.isEmpty()) {
        throw new CredentialConfigurationException(VAULT_NAMESPACE, "is empty");
      }
      return n + "/";
    }

    private static Duration parseTimeout(String text) {
      try {
        return parseDuration(text);
      } catch (NumberFormatException | ArithmeticException e) {
        // a number or a sum beyond what a Duration holds
        throw new CredentialConfigurationException(
            VAULT_CLIENT_TIMEOUT, "is too large a duration: " + text);
      }
    }

    private static Duration parseDuration(String text) {
      String t = text.strip();
      Duration d;
      if (t.matches("\\d+")) {
        d = Duration.ofSeconds(Long.parseLong(t));
      } else {
        Matcher m = GO_DURATION.matcher(t);
        d = Duration.ZERO;
        int end = 0;
        while (m.find() && m.start() == end) {
          long n = Long.parseLong(m.group(1));
          d =
              d.plus(
                  switch (m.group(2)) {
                    case "h" -> Duration.ofHours(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "ms" -> Duration.ofMillis(n);
                    default -> Duration.ofSeconds(n);
                  });
          end = m.end();
        }
        if (end != t.length() || end == 0) {
          throw new CredentialConfigurationException(
              VAULT_CLIENT_TIMEOUT, "is not a duration (e.g. 30 or 30s or 1m): " + text);
        }
      }
      if (d.isZero()) {
        throw new CredentialConfigurationException(
            VAULT_CLIENT_TIMEOUT, "must be positive: " + text);
      }
      return d;
    }

    private static Duration wholeSeconds(Duration d, String what) {
      Objects.requireNonNull(d, what);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + " must be positive: " + d);
      }
      return d;
    }
  }
}
