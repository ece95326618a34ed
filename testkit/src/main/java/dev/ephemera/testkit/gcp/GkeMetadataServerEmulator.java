package dev.ephemera.testkit.gcp;

import dev.ephemera.testkit.emulator.EmulatedProtocol;
import dev.ephemera.testkit.emulator.EmulatedRequest;
import dev.ephemera.testkit.emulator.EmulatedResponse;
import dev.ephemera.testkit.emulator.Emulator;
import dev.ephemera.testkit.emulator.FaultPlan;
import dev.ephemera.testkit.emulator.Journal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The GKE metadata server ({@code gke-metadata-server}) on loopback plain HTTP, as a pod with
 * Workload Identity sees it.
 *
 * <ul>
 *   <li>Every request must carry {@code Metadata-Flavor: Google} (else {@code 403}); every response
 *       carries it.
 *   <li>{@code GET
 *       /computeMetadata/v1/instance/service-accounts/{default|EMAIL}/token[?scopes=a,b]} answers
 *       {@code {"access_token","expires_in","token_type":"Bearer"}}. Like the real server it caches
 *       the token per scope set and hands the same one back with a shrinking {@code expires_in}
 *       until only {@link Builder#reissueWithin(Duration)} is left.
 *   <li>{@code .../identity?audience=A[&format=full]} answers a signed JWT as text ({@code 400}
 *       without an audience).
 *   <li>{@code .../email}, {@code /computeMetadata/v1/instance/service-accounts/?recursive=true},
 *       {@code /computeMetadata/v1/project/project-id}, {@code
 *       /computeMetadata/v1/universe/universe-domain} and the detection ping {@code /}.
 *   <li>An unknown service account or path answers {@code 404}; injected faults answer in the
 *       server's short-text style (a {@code 403} carries GKE's IAM-denied text).
 * </ul>
 */
public final class GkeMetadataServerEmulator implements AutoCloseable {
  private static final String FLAVOR = "Metadata-Flavor";
  private static final String SA_PREFIX = "/computeMetadata/v1/instance/service-accounts/";

  private record Cached(String token, Instant expiresAt) {}

  private final Clock clock;
  private final String serviceAccount;
  private final String projectId;
  private final Duration tokenLifetime;
  private final Duration reissueWithin;
  private final Duration idTokenLifetime;
  private final GoogleTokenRegistry registry;
  private final GoogleIdTokens idTokens = new GoogleIdTokens();
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();
  private final AtomicInteger minted = new AtomicInteger();
  private final Emulator emulator;

  private GkeMetadataServerEmulator(Builder b) {
    this.clock = b.clock;
    this.serviceAccount = b.serviceAccount;
    this.projectId = b.projectId;
    this.tokenLifetime = b.tokenLifetime;
    this.reissueWithin = b.reissueWithin;
    this.idTokenLifetime = b.idTokenLifetime;
    this.registry = b.registry;
    this.emulator =
        Emulator.builder("gke-metadata", new Protocol()).clock(clock).port(b.port).start();
  }

  /**
   * {@return a builder; the emulator stamps expiries on {@code clock}}
   *
   * @param clock the clock it runs on
   */
  public static Builder builder(Clock clock) {
    return new Builder(clock);
  }

  /** {@return {@code 127.0.0.1:PORT}: the value for {@code GCE_METADATA_HOST}} */
  public String hostAndPort() {
    return emulator.hostAndPort();
  }

  /**
   * What points a GKE pod's Google clients at this metadata server: {@code GCE_METADATA_HOST}, for
   * {@code GoogleWorkloadIdentity.fromEnvironment(Environment.of(map))}.
   *
   * @return the environment variable and its value
   */
  public Map<String, String> environment() {
    return Map.of("GCE_METADATA_HOST", hostAndPort());
  }

  /** {@return {@code http://127.0.0.1:PORT}} */
  public String baseUrl() {
    return emulator.baseUrl();
  }

  /** {@return the Google service account the pod's Kubernetes service account is bound to} */
  public String serviceAccount() {
    return serviceAccount;
  }

  /** {@return faults to inject} */
  public FaultPlan faults() {
    return emulator.faults();
  }

  /** {@return what was received} */
  public Journal journal() {
    return emulator.journal();
  }

  /** {@return the registry the minted tokens are recorded in} */
  public GoogleTokenRegistry registry() {
    return registry;
  }

  /** {@return how many distinct access tokens were minted (cache hits do not count)} */
  public int tokensMinted() {
    return minted.get();
  }

  /** Drops the cached tokens: the next token request mints a new one (a key rotation). */
  public void dropCachedTokens() {
    cache.clear();
  }

  /** {@return the underlying emulator} */
  public Emulator emulator() {
    return emulator;
  }

  @Override
  public void close() {
    emulator.close();
  }

  @Override
  public String toString() {
    return "GkeMetadataServerEmulator[" + emulator.baseUrl() + ", sa=" + serviceAccount + "]";
  }

  private static EmulatedResponse text(int status, String body) {
    return EmulatedResponse.text(status, body).withHeader(FLAVOR, "Google");
  }

  private static EmulatedResponse json(int status, String body) {
    return EmulatedResponse.json(status, body).withHeader(FLAVOR, "Google");
  }

  private final class Protocol implements EmulatedProtocol {
    @Override
    public EmulatedResponse handle(EmulatedRequest r) {
      if (!"Google".equals(r.header(FLAVOR).orElse(""))) {
        return text(403, "Missing Metadata-Flavor:Google header.");
      }
      if (!r.method().equals("GET")) {
        return text(405, "Method Not Allowed");
      }
      String path = r.path();
      if (path.equals("/") || path.isEmpty()) {
        return text(200, "computeMetadata/\n");
      }
      if (path.equals("/computeMetadata/v1/project/project-id")) {
        return text(200, projectId);
      }
      if (path.equals("/computeMetadata/v1/universe/universe-domain")) {
        return text(200, "googleapis.com");
      }
      if (path.equals(SA_PREFIX) && "true".equals(r.queryParam("recursive").orElse(""))) {
        String account =
            "{\"aliases\":[\"default\"],\"email\":\""
                + serviceAccount
                + "\",\"scopes\":[\"https://www.googleapis.com/auth/cloud-platform\"]}";
        return json(
            200, "{\"default\":" + account + ",\"" + serviceAccount + "\":" + account + "}");
      }
      if (!path.startsWith(SA_PREFIX)) {
        return text(404, "Not Found");
      }
      String[] rest = path.substring(SA_PREFIX.length()).split("/", -1);
      if (rest.length != 2 || !(rest[0].equals("default") || rest[0].equals(serviceAccount))) {
        return text(404, "Not Found");
      }
      return switch (rest[1]) {
        case "email" -> text(200, serviceAccount);
        case "token" -> token(r);
        case "identity" -> identity(r);
        case "scopes" -> text(200, "https://www.googleapis.com/auth/cloud-platform\n");
        default -> text(404, "Not Found");
      };
    }

    private EmulatedResponse token(EmulatedRequest r) {
      List<String> scopes =
          r.queryParam("scopes")
              .map(s -> Arrays.stream(s.split(",")).map(String::strip).sorted().toList())
              .orElse(List.of("https://www.googleapis.com/auth/cloud-platform"));
      String key = String.join(",", scopes);
      Instant now = clock.instant();
      Cached c =
          cache.compute(
              key,
              (k, old) -> {
                if (old != null
                    && Duration.between(now, old.expiresAt()).compareTo(reissueWithin) > 0) {
                  return old;
                }
                Instant exp = now.plus(tokenLifetime);
                minted.incrementAndGet();
                return new Cached(
                    registry.mint(new GoogleToken("metadata", serviceAccount, scopes, exp, null)),
                    exp);
              });
      long expiresIn = Math.max(0, Duration.between(now, c.expiresAt()).getSeconds());
      return json(
          200,
          "{\"access_token\":\""
              + c.token()
              + "\",\"expires_in\":"
              + expiresIn
              + ",\"token_type\":\"Bearer\"}");
    }

    private EmulatedResponse identity(EmulatedRequest r) {
      String audience = r.queryParam("audience").orElse("");
      if (audience.isEmpty()) {
        return text(400, "non-empty audience parameter required");
      }
      boolean full = "full".equals(r.queryParam("format").orElse(""));
      Instant now = clock.instant();
      String jwt = idTokens.sign(serviceAccount, audience, now, idTokenLifetime, full);
      registry.record(
          jwt,
          new GoogleToken("metadata", serviceAccount, List.of(), now.plus(idTokenLifetime), null));
      return text(200, jwt);
    }

    @Override
    public EmulatedResponse error(int status, EmulatedRequest request) {
      return switch (status) {
        case 403 ->
            text(
                403,
                "Unable to generate access token; IAM returned 403 Forbidden: Permission"
                    + " 'iam.serviceAccounts.getAccessToken' denied on resource (or it may not"
                    + " exist).");
        case 404 -> text(404, "Not Found");
        case 400 -> text(400, "Bad Request");
        case 503 -> text(503, "Service Unavailable");
        default -> text(status, "Internal Server Error");
      };
    }

    @Override
    public EmulatedResponse throttled(Duration retryAfter, EmulatedRequest request) {
      return text(429, "Too Many Requests")
          .withHeader("Retry-After", Long.toString(Math.max(0, retryAfter.toSeconds())));
    }

    @Override
    public EmulatedResponse expiredCredential(EmulatedRequest request) {
      Instant now = clock.instant();
      String token =
          registry.mint(
              new GoogleToken(
                  "metadata",
                  serviceAccount,
                  List.of("https://www.googleapis.com/auth/cloud-platform"),
                  now,
                  null));
      return json(
          200, "{\"access_token\":\"" + token + "\",\"expires_in\":0,\"token_type\":\"Bearer\"}");
    }
  }

  /** Builds a {@link GkeMetadataServerEmulator}. */
  public static final class Builder {
    private final Clock clock;
    private String serviceAccount = "app@my-project.iam.gserviceaccount.com";
    private String projectId = "my-project";
    private Duration tokenLifetime = Duration.ofSeconds(3599);
    private Duration reissueWithin = Duration.ofMinutes(5);
    private Duration idTokenLifetime = Duration.ofHours(1);
    private GoogleTokenRegistry registry;
    private int port;

    private Builder(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      this.registry = GoogleTokenRegistry.create(clock);
    }

    /**
     * The bound Google service account's email.
     *
     * @param email the bound Google service account's email
     * @return this builder
     */
    public Builder serviceAccount(String email) {
      this.serviceAccount = Objects.requireNonNull(email, "email");
      return this;
    }

    /**
     * The project id served at {@code project/project-id}.
     *
     * @param projectId the project id served at {@code project/project-id}
     * @return this builder
     */
    public Builder projectId(String projectId) {
      this.projectId = Objects.requireNonNull(projectId, "projectId");
      return this;
    }

    /**
     * The lifetime of a freshly minted access token; default 3599 s.
     *
     * @param lifetime the lifetime of a freshly minted access token; default 3599 s
     * @return this builder
     */
    public Builder tokenLifetime(Duration lifetime) {
      this.tokenLifetime = Objects.requireNonNull(lifetime, "lifetime");
      return this;
    }

    /**
     * The cached token is handed back until no more than this is left; then a new one is minted.
     * Default 5 minutes (GCE's documented behaviour).
     *
     * @param window the cached token is handed back until no more than this is left; then a new one
     *     is minted
     * @return this builder
     */
    public Builder reissueWithin(Duration window) {
      this.reissueWithin = Objects.requireNonNull(window, "window");
      return this;
    }

    /**
     * The lifetime of an ID token; default 1 hour.
     *
     * @param lifetime the lifetime of an ID token; default 1 hour
     * @return this builder
     */
    public Builder idTokenLifetime(Duration lifetime) {
      this.idTokenLifetime = Objects.requireNonNull(lifetime, "lifetime");
      return this;
    }

    /**
     * The registry to record tokens in (share one between emulators).
     *
     * @param registry the registry to record tokens in (share one between emulators)
     * @return this builder
     */
    public Builder registry(GoogleTokenRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
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
    public GkeMetadataServerEmulator start() {
      return new GkeMetadataServerEmulator(this);
    }
  }
}
