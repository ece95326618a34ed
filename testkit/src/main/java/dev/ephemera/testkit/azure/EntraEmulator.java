package dev.ephemera.testkit.azure;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.ephemera.testkit.emulator.EmulatedRequest;
import dev.ephemera.testkit.emulator.Emulator;
import dev.ephemera.testkit.emulator.FaultPlan;
import dev.ephemera.testkit.emulator.Journal;
import dev.ephemera.testkit.emulator.JournalEntry;
import dev.ephemera.testkit.oidc.OidcIssuer;
import dev.ephemera.testkit.oidc.TokenFile;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Microsoft Entra ID's token endpoint on loopback HTTPS, for Azure Workload Identity.
 *
 * <p>It answers {@code POST /{tenant}/oauth2/v2.0/token} for the client-credentials grant with a
 * federated client assertion: the assertion must be signed by the trusted {@link OidcIssuer}, still
 * valid on the emulator's clock, and match a {@link FederatedCredential} registered for the {@code
 * client_id} (issuer, subject and audience, exactly). Success is Entra's JSON ({@code token_type},
 * {@code expires_in}, {@code ext_expires_in}, optional {@code refresh_in}, {@code access_token})
 * with a v1.0 access token ({@code iss https://sts.windows.net/{tenant}/}, {@code aud} = the
 * scope's resource, {@code iat}/{@code nbf} five minutes back, {@code exp}, a fresh {@code uti}).
 * Failures use Entra's envelope ({@code error}, {@code error_description} starting {@code
 * AADSTSnnnn:}, {@code error_codes}, {@code timestamp}, {@code trace_id}, {@code correlation_id},
 * {@code error_uri}): 90002 unknown tenant, 700016 unknown application, 7000216 no assertion, 50027
 * malformed assertion, 700211 unknown issuer, 70021 no matching federated record, 700024 assertion
 * outside its time range, 700027 bad signature, 70011/1002012 bad scope.
 *
 * <p>It also serves what MSAL may ask for first: {@code GET
 * /{tenant}/v2.0/.well-known/openid-configuration}, {@code GET /common/discovery/instance}
 * (instance discovery, naming this host as its only alias) and the token signing keys at {@code
 * /{tenant}/discovery/v2.0/keys}.
 *
 * <pre>{@code
 * EntraEmulator entra = EntraEmulator.builder(oidc).clock(time.upstreamClock()).start();
 * entra.register(CLIENT_ID, FederatedCredential.of(oidc.issuerUrl(), account.subject()));
 * env AZURE_AUTHORITY_HOST = entra.authorityHost(), AZURE_TENANT_ID = entra.tenantId()
 * entra.faults().always(Fault.status(503));
 * }</pre>
 */
public final class EntraEmulator implements AutoCloseable {
  private static final Pattern TOKEN_PATH = Pattern.compile("^/[^/]+/oauth2/v2\\.0/token$");

  /** Matches requests to the token endpoint, for {@link FaultPlan#nextMatching}. */
  public static final Predicate<EmulatedRequest> TOKEN_REQUESTS =
      r -> r.method().equals("POST") && TOKEN_PATH.matcher(r.path()).matches();

  private final String tenantId;
  private final EntraProtocol protocol;
  private final Emulator emulator;

  private EntraEmulator(Builder b) {
    this.tenantId = b.tenantId;
    RSAKey key;
    try {
      key =
          new RSAKeyGenerator(2048)
              .keyID("entra-emulator-" + UUID.randomUUID().toString().substring(0, 8))
              .keyUse(KeyUse.SIGNATURE)
              .algorithm(JWSAlgorithm.RS256)
              .generate();
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot generate an RSA key", e);
    }
    this.protocol = new EntraProtocol(b.trusted, b.clock, tenantId, b.lifetime, b.refreshIn, key);
    this.emulator =
        Emulator.builder("entra", protocol).clock(b.clock).https(true).port(b.port).start();
    protocol.authorityBase(emulator.baseUrl());
  }

  /**
   * {@return a builder for an emulator whose federated credentials trust {@code trusted}}
   *
   * @param trusted the trusted
   */
  public static Builder builder(OidcIssuer trusted) {
    return new Builder(trusted);
  }

  /**
   * Registers (or adds to) an application with its federated identity credentials. An application
   * with no credential exists but accepts no assertion.
   *
   * @param clientId the client (application) id
   * @param credentials the credentials
   * @return this {@code EntraEmulator}
   */
  public EntraEmulator register(String clientId, FederatedCredential... credentials) {
    Objects.requireNonNull(clientId, "clientId");
    protocol.register(clientId, List.of(credentials));
    return this;
  }

  /**
   * Removes every federated credential of {@code clientId} (the application stays).
   *
   * @param clientId the client (application) id
   */
  public void clearFederatedCredentials(String clientId) {
    protocol.clearFederatedCredentials(clientId);
  }

  /**
   * Deletes the application: its client id becomes unknown ({@code AADSTS700016}).
   *
   * @param clientId the client (application) id
   */
  public void unregister(String clientId) {
    protocol.unregister(clientId);
  }

  /** {@return the tenant this directory serves} */
  public String tenantId() {
    return tenantId;
  }

  /**
   * What the Azure Workload Identity webhook injects for {@code clientId}, pointed at this
   * emulator: {@code AZURE_CLIENT_ID}, {@code AZURE_TENANT_ID}, {@code AZURE_FEDERATED_TOKEN_FILE}
   * (the projected token, audience {@code api://AzureADTokenExchange}) and {@code
   * AZURE_AUTHORITY_HOST}. The emulator is HTTPS with {@code LoopbackTls}'s certificate: trust it.
   *
   * @param clientId the application (client) id
   * @param token the projected token file the pod mounts
   * @return the environment variables and their values
   */
  public Map<String, String> environment(String clientId, TokenFile token) {
    return Map.of(
        "AZURE_CLIENT_ID", Objects.requireNonNull(clientId, "clientId"),
        "AZURE_TENANT_ID", tenantId(),
        "AZURE_FEDERATED_TOKEN_FILE", token.path().toString(),
        "AZURE_AUTHORITY_HOST", authorityHost());
  }

  /**
   * {@return the value for {@code AZURE_AUTHORITY_HOST}: {@code https://127.0.0.1:PORT/}, with the
   * trailing slash the webhook writes}
   */
  public String authorityHost() {
    return emulator.baseUrl() + "/";
  }

  /** {@return the token endpoint of the tenant} */
  public URI tokenEndpoint() {
    return URI.create(emulator.baseUrl() + "/" + tenantId + "/oauth2/v2.0/token");
  }

  /** {@return the {@code iss} of every access token: {@code https://sts.windows.net/{tenant}/}} */
  public String accessTokenIssuer() {
    return protocol.stsIssuer();
  }

  /** {@return the bound port} */
  public int port() {
    return emulator.port();
  }

  /** {@return every access token issued so far, oldest first} */
  public List<IssuedToken> issued() {
    return protocol.issued();
  }

  /** {@return how many requests reached the token endpoint (answered, faulted or refused)} */
  public int tokenRequests() {
    return journal().count(e -> TOKEN_REQUESTS.test(e.request()));
  }

  /** {@return the token-endpoint requests received so far} */
  public List<JournalEntry> tokenRequestEntries() {
    return journal().entries(e -> TOKEN_REQUESTS.test(e.request()));
  }

  /**
   * {@return faults to inject (they apply to every request; use {@link #TOKEN_REQUESTS} to narrow)}
   */
  public FaultPlan faults() {
    return emulator.faults();
  }

  /** {@return every request received} */
  public Journal journal() {
    return emulator.journal();
  }

  @Override
  public void close() {
    emulator.close();
  }

  @Override
  public String toString() {
    return "EntraEmulator[" + emulator.baseUrl() + ", tenant " + tenantId + "]";
  }

  /** Builds an {@link EntraEmulator}. */
  public static final class Builder {
    private final OidcIssuer trusted;
    private Clock clock = Clock.systemUTC();
    private String tenantId = "8d2c4e51-7a3b-4f0e-9c61-2b5d8e7f1a90";
    private Duration lifetime = Duration.ofSeconds(3599);
    private @Nullable Duration refreshIn;
    private int port;

    private Builder(OidcIssuer trusted) {
      this.trusted = Objects.requireNonNull(trusted, "trusted");
    }

    /**
     * The clock for token times and assertion checks; use the test's virtual clock.
     *
     * @param clock the clock for token times and assertion checks; use the test's virtual clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The directory's tenant id; default a fixed GUID.
     *
     * @param tenantId the directory's tenant id; default a fixed GUID
     * @return this builder
     */
    public Builder tenantId(String tenantId) {
      Objects.requireNonNull(tenantId, "tenantId");
      if (tenantId.isBlank()) {
        throw new IllegalArgumentException("tenantId must not be blank");
      }
      this.tenantId = tenantId;
      return this;
    }

    /**
     * {@code expires_in} of issued tokens; default 3599 s; whole seconds, positive.
     *
     * @param lifetime {@code expires_in} of issued tokens; default 3599 s; whole seconds, positive
     * @return this builder
     */
    public Builder tokenLifetime(Duration lifetime) {
      Objects.requireNonNull(lifetime, "lifetime");
      if (lifetime.toSeconds() < 1) {
        throw new IllegalArgumentException("tokenLifetime must be at least 1 s: " + lifetime);
      }
      this.lifetime = Duration.ofSeconds(lifetime.toSeconds());
      return this;
    }

    /**
     * Adds {@code refresh_in} (Entra's proactive-refresh hint) to every success; default none.
     * Ignored when not shorter than the lifetime.
     *
     * @param refreshIn the refresh in
     * @return this builder
     */
    public Builder refreshIn(Duration refreshIn) {
      Objects.requireNonNull(refreshIn, "refreshIn");
      if (refreshIn.toSeconds() < 1) {
        throw new IllegalArgumentException("refreshIn must be at least 1 s: " + refreshIn);
      }
      this.refreshIn = Duration.ofSeconds(refreshIn.toSeconds());
      return this;
    }

    /**
     * A fixed port; default any free one.
     *
     * @param port a fixed port; default any free one
     * @return this builder
     */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /**
     * Starts the HTTPS server.
     *
     * @return the running emulator
     */
    public EntraEmulator start() {
      return new EntraEmulator(this);
    }
  }
}
