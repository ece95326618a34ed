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
import dev.ephemera.testkit.oidc.OidcIssuer;
import dev.ephemera.testkit.oidc.TokenRejectedException;
import dev.ephemera.testkit.oidc.VerifiedToken;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Google's Security Token Service ({@code POST /v1/token}) on loopback HTTPS ({@link
 * dev.ephemera.testkit.emulator.LoopbackTls}), as Google Auth Library for Java calls it: a
 * form-encoded RFC 8693 token exchange.
 *
 * <ul>
 *   <li><b>Federation</b> ({@code subject_token_type} {@code ...:jwt} or {@code ...:id_token}): the
 *       {@code audience} must be the configured workload identity pool provider (a malformed one is
 *       {@code invalid_request}, another provider {@code invalid_target}); the subject token is
 *       verified against the testkit {@link OidcIssuer} for the provider's allowed audience ({@code
 *       invalid_grant} naming the failed check); the attribute condition may reject the subject
 *       ({@code unauthorized_client}). Success answers a federated access token with {@code
 *       expires_in}.
 *   <li><b>Downscoping</b> ({@code subject_token_type} {@code ...:access_token} and {@code
 *       options={"accessBoundary":...}}): the subject must be a live token from the shared {@link
 *       GoogleTokenRegistry} that is not already downscoped; at most 10 rules, each with an {@code
 *       availableResource} and {@code inRole:} permissions. The new token records the boundary, so
 *       {@link #accessBoundaryOf(String)} echoes it for tests. Like the real service it omits
 *       {@code expires_in} unless {@link Builder#downscopedExpiresIn(boolean)} is set.
 * </ul>
 *
 * <p>Errors are OAuth JSON ({@code {"error","error_description"}}).
 */
public final class GoogleStsEmulator implements AutoCloseable {
  /** The default workload identity pool provider. */
  public static final String DEFAULT_PROVIDER =
      "//iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/"
          + "ephemera-pool/providers/ephemera-provider";

  private static final String JWT = "urn:ietf:params:oauth:token-type:jwt";
  private static final String ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token";
  private static final String ACCESS_TOKEN = "urn:ietf:params:oauth:token-type:access_token";
  private static final String GRANT = "urn:ietf:params:oauth:grant-type:token-exchange";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Clock clock;
  private final OidcIssuer oidc;
  private final String provider;
  private final String allowedAudience;
  private final Duration tokenLifetime;
  private final boolean downscopedExpiresIn;
  private final Predicate<VerifiedToken> attributeCondition;
  private final GoogleTokenRegistry registry;
  private final Emulator emulator;

  private GoogleStsEmulator(Builder b) {
    this.clock = b.clock;
    this.oidc = b.oidc;
    this.provider = b.provider;
    this.allowedAudience =
        b.allowedAudience != null
            ? b.allowedAudience
            : "https://iam.googleapis.com/" + provider.substring("//iam.googleapis.com/".length());
    this.tokenLifetime = b.tokenLifetime;
    this.downscopedExpiresIn = b.downscopedExpiresIn;
    this.attributeCondition = b.attributeCondition;
    this.registry = b.registry;
    this.emulator =
        Emulator.builder("google-sts", new Protocol())
            .clock(clock)
            .https(true)
            .port(b.port)
            .start();
  }

  /**
   * {@return a builder: tokens are stamped on {@code clock}, subject tokens verified by {@code
   * oidc}}
   *
   * @param clock the clock it runs on
   * @param oidc the OIDC issuer whose tokens are trusted
   */
  public static Builder builder(Clock clock, OidcIssuer oidc) {
    return new Builder(clock, oidc);
  }

  /** {@return {@code https://127.0.0.1:PORT/v1/token}: the {@code token_url}} */
  public String tokenUrl() {
    return emulator.baseUrl() + "/v1/token";
  }

  /** {@return {@code https://127.0.0.1:PORT}} */
  public String baseUrl() {
    return emulator.baseUrl();
  }

  /** {@return the workload identity pool provider: the {@code audience} of the configuration} */
  public String provider() {
    return provider;
  }

  /**
   * {@return the audience a projected token must carry: {@code
   * https://iam.googleapis.com/projects/...}}
   */
  public String subjectTokenAudience() {
    return allowedAudience;
  }

  /**
   * {@return the access boundary a downscoped token was minted with, as the client sent it}
   *
   * @param token the token
   */
  public Optional<String> accessBoundaryOf(String token) {
    return registry.accessBoundaryOf(token);
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
    return "GoogleStsEmulator[" + tokenUrl() + ", provider=" + provider + "]";
  }

  private static EmulatedResponse oauthError(int status, String error, String description) {
    return EmulatedResponse.json(
        status,
        "{\"error\":\"" + error + "\",\"error_description\":\"" + jsonEscape(description) + "\"}");
  }

  static String jsonEscape(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  private EmulatedResponse success(String token, @Nullable Long expiresIn) {
    return EmulatedResponse.json(
        200,
        "{\"access_token\":\""
            + token
            + "\",\"issued_token_type\":\""
            + ACCESS_TOKEN
            + "\",\"token_type\":\"Bearer\""
            + (expiresIn == null ? "" : ",\"expires_in\":" + expiresIn)
            + "}");
  }

  private final class Protocol implements EmulatedProtocol {
    @Override
    public EmulatedResponse handle(EmulatedRequest r) {
      if (!r.method().equals("POST") || !r.path().equals("/v1/token")) {
        return oauthError(404, "not_found", "Unknown method " + r.method() + " " + r.path());
      }
      if (r.header("authorization").isPresent()) {
        return oauthError(
            400, "invalid_request", "The token endpoint takes no Authorization header.");
      }
      Map<String, String> form = r.form();
      if (!GRANT.equals(form.get("grant_type"))) {
        return oauthError(
            400, "unsupported_grant_type", "Unsupported grant type: " + form.get("grant_type"));
      }
      String subject = form.getOrDefault("subject_token", "");
      if (subject.isEmpty()) {
        return oauthError(400, "invalid_request", "Missing required parameter: subject_token.");
      }
      String type = form.getOrDefault("subject_token_type", "");
      if (type.equals(ACCESS_TOKEN)) {
        return downscope(subject, form.get("options"));
      }
      if (!type.equals(JWT) && !type.equals(ID_TOKEN)) {
        return oauthError(400, "invalid_request", "Invalid subject_token_type: " + type);
      }
      return federate(subject, form);
    }

    private EmulatedResponse federate(String subject, Map<String, String> form) {
      String audience = form.getOrDefault("audience", "");
      if (!audience.startsWith("//iam.googleapis.com/") || !audience.contains("/providers/")) {
        return oauthError(
            400,
            "invalid_request",
            "Invalid value for \"audience\". This value should be the full resource name of the"
                + " Identity Provider. See https://cloud.google.com/iam/docs/reference/sts/rest/v1/"
                + "TopLevel/token for the list of possible formats.");
      }
      if (!audience.equals(provider)) {
        return oauthError(
            400,
            "invalid_target",
            "The target service indicated by the \"audience\" parameters is invalid. This might"
                + " either be because the pool or provider is disabled or deleted or because it"
                + " doesn't exist.");
      }
      VerifiedToken verified;
      try {
        verified = oidc.verify(subject, allowedAudience);
      } catch (TokenRejectedException e) {
        return oauthError(
            400,
            "invalid_grant",
            "The incoming token is invalid (" + e.problem() + "): " + e.getMessage());
      }
      if (!attributeCondition.test(verified)) {
        return oauthError(
            400,
            "unauthorized_client",
            "The given credential is rejected by the attribute condition.");
      }
      List<String> scopes =
          Arrays.stream(form.getOrDefault("scope", "").split(" "))
              .filter(s -> !s.isBlank())
              .toList();
      Instant now = clock.instant();
      String principal =
          "principal://iam.googleapis.com/"
              + provider.substring(
                  "//iam.googleapis.com/".length(), provider.indexOf("/providers/"))
              + "/subject/"
              + verified.subject();
      String token =
          registry.mint(new GoogleToken("sts", principal, scopes, now.plus(tokenLifetime), null));
      return success(token, tokenLifetime.getSeconds());
    }

    private EmulatedResponse downscope(String subject, @Nullable String options) {
      Optional<GoogleToken> source = registry.lookup(subject);
      if (source.isEmpty()) {
        return oauthError(400, "invalid_grant", "The access token is invalid or has expired.");
      }
      if (source.get().accessBoundary() != null) {
        return oauthError(
            400,
            "invalid_grant",
            "A token carrying security attributes cannot be downscoped again.");
      }
      if (options == null || options.isBlank()) {
        return oauthError(400, "invalid_request", "Missing required parameter: options.");
      }
      JsonNode boundary;
      try {
        boundary = MAPPER.readTree(options).path("accessBoundary");
      } catch (JsonProcessingException e) {
        return oauthError(400, "invalid_request", "The options parameter is not valid JSON.");
      }
      JsonNode rules = boundary.path("accessBoundaryRules");
      if (!rules.isArray() || rules.isEmpty()) {
        return oauthError(
            400, "invalid_request", "The access boundary must contain at least one rule.");
      }
      if (rules.size() > 10) {
        return oauthError(
            400, "invalid_request", "The access boundary may contain at most 10 rules.");
      }
      for (JsonNode rule : rules) {
        if (rule.path("availableResource").asText("").isEmpty()) {
          return oauthError(400, "invalid_request", "A rule is missing availableResource.");
        }
        JsonNode permissions = rule.path("availablePermissions");
        if (!permissions.isArray() || permissions.isEmpty()) {
          return oauthError(400, "invalid_request", "A rule is missing availablePermissions.");
        }
        for (JsonNode p : permissions) {
          if (!p.asText("").startsWith("inRole:")) {
            return oauthError(
                400, "invalid_request", "Permissions must be role references: inRole:ROLE.");
          }
        }
      }
      GoogleToken src = source.get();
      String token =
          registry.mint(
              new GoogleToken(
                  "sts", src.principal(), src.scopes(), src.expiresAt(), boundary.toString()));
      Long expiresIn =
          downscopedExpiresIn
              ? Math.max(0, Duration.between(clock.instant(), src.expiresAt()).getSeconds())
              : null;
      return success(token, expiresIn);
    }

    @Override
    public EmulatedResponse error(int status, EmulatedRequest request) {
      return switch (status) {
        case 400 -> oauthError(400, "invalid_request", "Request contains an invalid argument.");
        case 401 -> oauthError(401, "unauthorized_client", "The client is not authorized.");
        case 403 -> oauthError(403, "access_denied", "The caller does not have permission.");
        case 503 -> oauthError(503, "temporarily_unavailable", "The service is unavailable.");
        default -> oauthError(status, "server_error", "Internal error encountered.");
      };
    }

    @Override
    public EmulatedResponse throttled(Duration retryAfter, EmulatedRequest request) {
      return oauthError(429, "rate_limit_exceeded", "Quota exceeded for token exchange requests.")
          .withHeader("Retry-After", Long.toString(Math.max(0, retryAfter.toSeconds())));
    }

    @Override
    public EmulatedResponse expiredCredential(EmulatedRequest request) {
      Instant now = clock.instant();
      String token = registry.mint(new GoogleToken("sts", "expired", List.of(), now, null));
      return success(token, 0L);
    }
  }

  /** Builds a {@link GoogleStsEmulator}. */
  public static final class Builder {
    private final Clock clock;
    private final OidcIssuer oidc;
    private String provider = DEFAULT_PROVIDER;
    private @Nullable String allowedAudience;
    private Duration tokenLifetime = Duration.ofSeconds(3599);
    private boolean downscopedExpiresIn;
    private Predicate<VerifiedToken> attributeCondition = t -> true;
    private GoogleTokenRegistry registry;
    private int port;

    private Builder(Clock clock, OidcIssuer oidc) {
      this.clock = Objects.requireNonNull(clock, "clock");
      this.oidc = Objects.requireNonNull(oidc, "oidc");
      this.registry = GoogleTokenRegistry.create(clock);
    }

    /**
     * The workload identity pool provider's full resource name ({@code //iam.googleapis.com/...}).
     *
     * @param provider the workload identity pool provider's full resource name ({@code
     *     //iam.googleapis.com/...})
     * @return this builder
     */
    public Builder provider(String provider) {
      Objects.requireNonNull(provider, "provider");
      if (!provider.startsWith("//iam.googleapis.com/") || !provider.contains("/providers/")) {
        throw new IllegalArgumentException("not a provider resource name: " + provider);
      }
      this.provider = provider;
      return this;
    }

    /**
     * The audience projected tokens must carry; default {@code https://iam.googleapis.com/...}.
     *
     * @param audience the audience projected tokens must carry; default {@code
     *     https://iam.googleapis.com/...}
     * @return this builder
     */
    public Builder allowedAudience(String audience) {
      this.allowedAudience = Objects.requireNonNull(audience, "audience");
      return this;
    }

    /**
     * The lifetime of a federated token; default 3599 s.
     *
     * @param lifetime the lifetime of a federated token; default 3599 s
     * @return this builder
     */
    public Builder tokenLifetime(Duration lifetime) {
      this.tokenLifetime = Objects.requireNonNull(lifetime, "lifetime");
      return this;
    }

    /**
     * Whether a downscoped token's response carries {@code expires_in}; default false.
     *
     * @param include whether a downscoped token's response carries {@code expires_in}; default
     *     false
     * @return this builder
     */
    public Builder downscopedExpiresIn(boolean include) {
      this.downscopedExpiresIn = include;
      return this;
    }

    /**
     * The provider's attribute condition; a subject it rejects gets {@code unauthorized_client}.
     *
     * @param condition the provider's attribute condition; a subject it rejects gets {@code
     *     unauthorized_client}
     * @return this builder
     */
    public Builder attributeCondition(Predicate<VerifiedToken> condition) {
      this.attributeCondition = Objects.requireNonNull(condition, "condition");
      return this;
    }

    /**
     * The registry to record tokens in and check downscoping subjects against.
     *
     * @param registry the registry to record tokens in and check downscoping subjects against
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
    public GoogleStsEmulator start() {
      return new GoogleStsEmulator(this);
    }
  }
}
