package dev.ephemera.testkit.gcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ephemera.testkit.emulator.EmulatedProtocol;
import dev.ephemera.testkit.emulator.EmulatedRequest;
import dev.ephemera.testkit.emulator.EmulatedResponse;
import dev.ephemera.testkit.emulator.Emulator;
import dev.ephemera.testkit.emulator.FaultPlan;
import dev.ephemera.testkit.emulator.Journal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * IAM Service Account Credentials on loopback HTTPS: {@code POST
 * /v1/projects/-/serviceAccounts/{EMAIL}:generateAccessToken} and {@code :generateIdToken}.
 *
 * <ul>
 *   <li>The caller's {@code Authorization: Bearer} token must be live in the shared {@link
 *       GoogleTokenRegistry} ({@code 401 UNAUTHENTICATED}) and allowed to impersonate ({@code 403
 *       PERMISSION_DENIED}, see {@link Builder#permit(Predicate)}); the service account must exist
 *       ({@code 404 NOT_FOUND}).
 *   <li>{@code generateAccessToken} takes {@code {"scope":[..],"lifetime":"3600s","delegates":[]}};
 *       {@code scope} is required and a lifetime above {@link Builder#maxLifetime(Duration)} is
 *       {@code 400 INVALID_ARGUMENT}. It answers {@code {"accessToken","expireTime"}} with {@code
 *       expireTime} in RFC 3339 without fractional seconds.
 *   <li>Errors use the Google API envelope {@code {"error":{"code","message","status"}}}.
 * </ul>
 */
public final class IamCredentialsEmulator implements AutoCloseable {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Pattern PATH =
      Pattern.compile(
          "/v1/projects/-/serviceAccounts/([^/:]+):(generateAccessToken|generateIdToken)");

  private final Clock clock;
  private final Set<String> serviceAccounts;
  private final Duration maxLifetime;
  private final Predicate<GoogleToken> permit;
  private final Function<Instant, String> expireTimeFormat;
  private final GoogleTokenRegistry registry;
  private final GoogleIdTokens idTokens = new GoogleIdTokens();
  private final Emulator emulator;

  private IamCredentialsEmulator(Builder b) {
    this.clock = b.clock;
    this.serviceAccounts = Set.copyOf(b.serviceAccounts);
    this.maxLifetime = b.maxLifetime;
    this.permit = b.permit;
    this.expireTimeFormat = b.expireTimeFormat;
    this.registry = b.registry;
    this.emulator =
        Emulator.builder("iam-credentials", new Protocol())
            .clock(clock)
            .https(true)
            .port(b.port)
            .start();
  }

  /**
   * {@return a builder; tokens are stamped on {@code clock}}
   *
   * @param clock the clock it runs on
   */
  public static Builder builder(Clock clock) {
    return new Builder(clock);
  }

  /**
   * {@return the {@code service_account_impersonation_url} for {@code email}}
   *
   * @param email the service account email
   */
  public String impersonationUrl(String email) {
    return emulator.baseUrl() + "/v1/projects/-/serviceAccounts/" + email + ":generateAccessToken";
  }

  /** {@return {@code https://127.0.0.1:PORT}} */
  public String baseUrl() {
    return emulator.baseUrl();
  }

  /** {@return the first configured service account} */
  public String serviceAccount() {
    return serviceAccounts.iterator().next();
  }

  /** {@return faults to inject} */
  public FaultPlan faults() {
    return emulator.faults();
  }

  /** {@return what was received} */
  public Journal journal() {
    return emulator.journal();
  }

  /** {@return the registry tokens are checked against and recorded in} */
  public GoogleTokenRegistry registry() {
    return registry;
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
    return "IamCredentialsEmulator[" + baseUrl() + ", accounts=" + serviceAccounts + "]";
  }

  private static EmulatedResponse googleError(int status, String grpcStatus, String message) {
    return EmulatedResponse.json(
        status,
        "{\"error\":{\"code\":"
            + status
            + ",\"message\":\""
            + GoogleStsEmulator.jsonEscape(message)
            + "\",\"status\":\""
            + grpcStatus
            + "\"}}");
  }

  private final class Protocol implements EmulatedProtocol {
    @Override
    public EmulatedResponse handle(EmulatedRequest r) {
      Matcher m = PATH.matcher(r.path());
      if (!r.method().equals("POST") || !m.matches()) {
        return googleError(404, "NOT_FOUND", "Requested entity was not found.");
      }
      String bearer = r.header("authorization").orElse("");
      Optional<GoogleToken> caller =
          bearer.regionMatches(true, 0, "Bearer ", 0, 7)
              ? registry.lookup(bearer.substring(7).strip())
              : Optional.empty();
      if (caller.isEmpty()) {
        return googleError(
            401,
            "UNAUTHENTICATED",
            "Request had invalid authentication credentials. Expected OAuth 2 access token.");
      }
      String email = m.group(1);
      if (!serviceAccounts.contains(email)) {
        return googleError(404, "NOT_FOUND", "Not found; Gaia id not found for email " + email);
      }
      if (!permit.test(caller.get())) {
        return googleError(
            403,
            "PERMISSION_DENIED",
            "Permission 'iam.serviceAccounts.getAccessToken' denied on resource (or it may not"
                + " exist).");
      }
      JsonNode body;
      try {
        body = MAPPER.readTree(r.body().isEmpty() ? "{}" : r.body());
      } catch (JsonProcessingException e) {
        return googleError(400, "INVALID_ARGUMENT", "Invalid JSON payload received.");
      }
      return m.group(2).equals("generateAccessToken")
          ? accessToken(email, body)
          : idToken(email, body);
    }

    private EmulatedResponse accessToken(String email, JsonNode body) {
      List<String> scopes = new ArrayList<>();
      body.path("scope").forEach(s -> scopes.add(s.asText()));
      if (scopes.isEmpty()) {
        return googleError(400, "INVALID_ARGUMENT", "Scope required.");
      }
      Duration lifetime = Duration.ofHours(1);
      String raw = body.path("lifetime").asText("");
      if (!raw.isEmpty()) {
        try {
          lifetime = Duration.parse("PT" + raw.toUpperCase(java.util.Locale.ROOT));
        } catch (RuntimeException e) {
          return googleError(400, "INVALID_ARGUMENT", "Invalid value at 'lifetime': " + raw);
        }
      }
      if (lifetime.compareTo(maxLifetime) > 0 || lifetime.isNegative() || lifetime.isZero()) {
        return googleError(
            400,
            "INVALID_ARGUMENT",
            "The lifetime must be between 1s and " + maxLifetime.toSeconds() + "s.");
      }
      Instant expires = clock.instant().plus(lifetime).truncatedTo(ChronoUnit.SECONDS);
      String token = registry.mint(new GoogleToken("iam", email, scopes, expires, null));
      return EmulatedResponse.json(
          200,
          "{\"accessToken\":\""
              + token
              + "\",\"expireTime\":\""
              + expireTimeFormat.apply(expires)
              + "\"}");
    }

    private EmulatedResponse idToken(String email, JsonNode body) {
      String audience = body.path("audience").asText("");
      if (audience.isEmpty()) {
        return googleError(400, "INVALID_ARGUMENT", "Audience required.");
      }
      Instant now = clock.instant();
      Duration ttl = Duration.ofHours(1);
      String jwt =
          idTokens.sign(email, audience, now, ttl, body.path("includeEmail").asBoolean(false));
      registry.record(jwt, new GoogleToken("iam", email, List.of(), now.plus(ttl), null));
      return EmulatedResponse.json(200, "{\"token\":\"" + jwt + "\"}");
    }

    @Override
    public EmulatedResponse error(int status, EmulatedRequest request) {
      return switch (status) {
        case 400 -> googleError(400, "INVALID_ARGUMENT", "Request contains an invalid argument.");
        case 401 ->
            googleError(401, "UNAUTHENTICATED", "Request had invalid authentication credentials.");
        case 403 ->
            googleError(
                403,
                "PERMISSION_DENIED",
                "Permission 'iam.serviceAccounts.getAccessToken' denied on resource (or it may not"
                    + " exist).");
        case 404 -> googleError(404, "NOT_FOUND", "Requested entity was not found.");
        case 503 -> googleError(503, "UNAVAILABLE", "The service is currently unavailable.");
        default -> googleError(status, "INTERNAL", "Internal error encountered.");
      };
    }

    @Override
    public EmulatedResponse throttled(Duration retryAfter, EmulatedRequest request) {
      return googleError(
              429,
              "RESOURCE_EXHAUSTED",
              "Quota exceeded for quota metric 'Generate credentials requests'.")
          .withHeader("Retry-After", Long.toString(Math.max(0, retryAfter.toSeconds())));
    }

    @Override
    public EmulatedResponse expiredCredential(EmulatedRequest request) {
      Instant past = clock.instant().minusSeconds(60).truncatedTo(ChronoUnit.SECONDS);
      String token = registry.mint(new GoogleToken("iam", "expired", List.of(), past, null));
      return EmulatedResponse.json(
          200,
          "{\"accessToken\":\""
              + token
              + "\",\"expireTime\":\""
              + expireTimeFormat.apply(past)
              + "\"}");
    }
  }

  /** Builds an {@link IamCredentialsEmulator}. */
  public static final class Builder {
    private final Clock clock;
    private final Set<String> serviceAccounts = new LinkedHashSet<>();
    private Duration maxLifetime = Duration.ofHours(1);
    private Predicate<GoogleToken> permit = t -> true;
    private Function<Instant, String> expireTimeFormat = DateTimeFormatter.ISO_INSTANT::format;
    private GoogleTokenRegistry registry;
    private int port;

    private Builder(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      this.registry = GoogleTokenRegistry.create(clock);
    }

    /**
     * Adds a service account that exists; default {@code app@my-project.iam.gserviceaccount.com}.
     *
     * @param email the service account email
     * @return this builder
     */
    public Builder serviceAccount(String email) {
      serviceAccounts.add(Objects.requireNonNull(email, "email"));
      return this;
    }

    /**
     * The longest lifetime allowed (the org policy); default 1 hour.
     *
     * @param max the longest lifetime allowed (the org policy); default 1 hour
     * @return this builder
     */
    public Builder maxLifetime(Duration max) {
      this.maxLifetime = Objects.requireNonNull(max, "max");
      return this;
    }

    /**
     * Which callers may impersonate (the IAM binding); default everyone with a live token.
     *
     * @param permit the permit
     * @return this builder
     */
    public Builder permit(Predicate<GoogleToken> permit) {
      this.permit = Objects.requireNonNull(permit, "permit");
      return this;
    }

    /**
     * How {@code expireTime} is written; default RFC 3339 UTC without fractions.
     *
     * @param format how {@code expireTime} is written; default RFC 3339 UTC without fractions
     * @return this builder
     */
    public Builder expireTimeFormat(Function<Instant, String> format) {
      this.expireTimeFormat = Objects.requireNonNull(format, "format");
      return this;
    }

    /**
     * The registry callers' tokens are checked against and new tokens recorded in.
     *
     * @param registry the registry callers' tokens are checked against and new tokens recorded in
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
     * Starts the service over HTTPS, on a free loopback port unless {@link #port(int)} fixed one.
     *
     * @return the running emulator
     */
    public IamCredentialsEmulator start() {
      if (serviceAccounts.isEmpty()) {
        serviceAccounts.add("app@my-project.iam.gserviceaccount.com");
      }
      return new IamCredentialsEmulator(this);
    }
  }
}
