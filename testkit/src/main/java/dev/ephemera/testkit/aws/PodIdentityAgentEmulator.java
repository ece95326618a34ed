package dev.ephemera.testkit.aws;

import dev.ephemera.testkit.emulator.EmulatedProtocol;
import dev.ephemera.testkit.emulator.EmulatedRequest;
import dev.ephemera.testkit.emulator.EmulatedResponse;
import dev.ephemera.testkit.emulator.Emulator;
import dev.ephemera.testkit.emulator.FaultPlan;
import dev.ephemera.testkit.emulator.Journal;
import dev.ephemera.testkit.oidc.OidcIssuer;
import dev.ephemera.testkit.oidc.TokenFile;
import dev.ephemera.testkit.oidc.TokenRejectedException;
import dev.ephemera.testkit.oidc.VerifiedToken;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The EKS Pod Identity agent on loopback, as PROTOCOLS.md §1.2 describes it: {@code GET
 * /v1/credentials} with the raw projected token as {@code Authorization} (no {@code Bearer}),
 * verified against an {@link OidcIssuer} with audience {@code pods.eks.amazonaws.com}; an
 * association table of which {@code sub} gets which role; JSON credentials whose {@code Expiration}
 * is RFC 3339 with nanoseconds (Go's {@code RFC3339Nano}); plain-text errors with EKS Auth's {@code
 * [request-id]: (Code): message, fault: client} shape.
 */
public final class PodIdentityAgentEmulator implements AutoCloseable {
  /** The audience Pod Identity tokens carry. */
  public static final String AUDIENCE = "pods.eks.amazonaws.com";

  /** The credentials path. */
  public static final String PATH = "/v1/credentials";

  private static final Pattern ROLE_ARN = Pattern.compile("arn:aws[a-z-]*:iam::(\\d{12}):role/.+");
  private static final DateTimeFormatter RFC3339_NANO =
      new DateTimeFormatterBuilder()
          .appendPattern("uuuu-MM-dd'T'HH:mm:ss")
          .optionalStart()
          .appendFraction(java.time.temporal.ChronoField.NANO_OF_SECOND, 0, 9, true)
          .optionalEnd()
          .appendLiteral('Z')
          .toFormatter()
          .withZone(ZoneOffset.UTC);

  private final OidcIssuer oidc;
  private final Clock clock;
  private final Duration lifetime;
  private final Map<String, String> associations;
  private final boolean requireAgentHost;
  private final IssuedLedger ledger = new IssuedLedger();
  private final Emulator emulator;

  private PodIdentityAgentEmulator(Builder b) {
    this.oidc = b.oidc;
    this.clock = b.clock;
    this.lifetime = b.lifetime;
    this.associations = Map.copyOf(b.associations);
    this.requireAgentHost = b.requireAgentHost;
    this.emulator =
        Emulator.builder("eks-pod-identity", new Protocol()).clock(clock).port(b.port).start();
  }

  /**
   * {@return a builder for an agent that trusts tokens from {@code oidc}}
   *
   * @param oidc the OIDC issuer whose tokens are trusted
   */
  public static Builder builder(OidcIssuer oidc) {
    return new Builder(oidc);
  }

  /**
   * What EKS injects into a pod with a Pod Identity association, pointed at this agent: {@code
   * AWS_CONTAINER_CREDENTIALS_FULL_URI} and {@code AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE} (the
   * projected token, audience {@value #AUDIENCE}).
   *
   * @param token the projected token file the pod mounts
   * @return the environment variables and their values
   */
  public Map<String, String> environment(TokenFile token) {
    return Map.of(
        "AWS_CONTAINER_CREDENTIALS_FULL_URI", fullUri().toString(),
        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", token.path().toString());
  }

  /**
   * {@return what {@code AWS_CONTAINER_CREDENTIALS_FULL_URI} should say: {@code
   * http://127.0.0.1:PORT/v1/credentials}}
   */
  public URI fullUri() {
    return URI.create(emulator.baseUrl() + PATH);
  }

  /** {@return the underlying emulator} */
  public Emulator emulator() {
    return emulator;
  }

  /** {@return faults to inject} */
  public FaultPlan faults() {
    return emulator.faults();
  }

  /** {@return every request received} */
  public Journal journal() {
    return emulator.journal();
  }

  /** {@return how many credential requests arrived} */
  public int calls() {
    return emulator.journal().count("GET", PATH);
  }

  /**
   * {@return the credentials issued under {@code accessKeyId}, if this agent issued them}
   *
   * @param accessKeyId the access key id
   */
  public Optional<IssuedAwsCredentials> issued(String accessKeyId) {
    return ledger.find(accessKeyId);
  }

  /** {@return every credential issued, oldest first} */
  public List<IssuedAwsCredentials> issued() {
    return ledger.all();
  }

  /**
   * {@return the secret key of {@code accessKeyId} if issued here and not expired on the agent's
   * clock}
   *
   * @param accessKeyId the access key id
   */
  public Optional<String> secretKeyIfValid(String accessKeyId) {
    return ledger.secretKeyIfValid(accessKeyId, clock.instant());
  }

  @Override
  public void close() {
    emulator.close();
  }

  private final class Protocol implements EmulatedProtocol {
    @Override
    public EmulatedResponse handle(EmulatedRequest request) {
      return respond(request, false);
    }

    @Override
    public EmulatedResponse error(int status, EmulatedRequest request) {
      return eksAuthError(
          status,
          status >= 500 ? "InternalServerException" : "InvalidRequestException",
          status >= 500 ? "internal error" : "request failed",
          status >= 500 ? "server" : "client");
    }

    @Override
    public EmulatedResponse throttled(Duration retryAfter, EmulatedRequest request) {
      return eksAuthError(429, "ThrottlingException", "Rate exceeded", "client")
          .withHeader("Retry-After", Long.toString(Math.max(0, retryAfter.toSeconds())));
    }

    @Override
    public EmulatedResponse expiredCredential(EmulatedRequest request) {
      return respond(request, true);
    }
  }

  private EmulatedResponse respond(EmulatedRequest request, boolean alreadyExpired) {
    if (!request.path().equals(PATH)) {
      return goError(404, "404 page not found");
    }
    if (!request.method().equals("GET")) {
      return goError(405, "Method Not Allowed");
    }
    if (requireAgentHost) {
      String host = request.header("Host").orElse("");
      String bare = host.replaceFirst(":\\d+$", "");
      if (!bare.equals("169.254.170.23") && !bare.equals("[fd00:ec2::23]")) {
        return goError(
            403,
            "Access Denied. Called agent through invalid address, please use either"
                + " 169.254.170.23 or [fd00:ec2::23]");
      }
    }
    String token = request.header("Authorization").orElse("").strip();
    if (token.isEmpty()) {
      return goError(400, "Service account token cannot be empty");
    }
    if (token.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return goError(400, "Service account token is not a valid JWT: unexpected Bearer prefix");
    }
    VerifiedToken verified;
    try {
      verified = oidc.verify(token, AUDIENCE);
    } catch (TokenRejectedException e) {
      return switch (e.problem()) {
        case MALFORMED -> goError(400, "Service account token cannot be parsed as a JWT");
        case EXPIRED ->
            eksAuthError(
                400, "ExpiredTokenException", "The service account token has expired", "client");
        default ->
            eksAuthError(
                400, "InvalidTokenException", "The service account token is not valid", "client");
      };
    }
    String roleArn = associations.get(verified.subject());
    if (roleArn == null) {
      return eksAuthError(
          403,
          "AccessDeniedException",
          "No Pod Identity association for " + verified.subject(),
          "client");
    }
    var m = ROLE_ARN.matcher(roleArn);
    String account = m.matches() ? m.group(1) : "111122223333";
    Instant now = clock.instant();
    Instant expiration = alreadyExpired ? now.minusSeconds(60) : now.plus(lifetime);
    String requestId = UUID.randomUUID().toString();
    IssuedAwsCredentials c =
        new IssuedAwsCredentials(
            AwsIds.accessKeyId(),
            AwsIds.secretAccessKey(),
            AwsIds.sessionToken(),
            expiration,
            roleArn,
            verified.subject(),
            "",
            Optional.empty(),
            List.of(),
            requestId);
    ledger.record(c);
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("AccessKeyId", c.accessKeyId());
    fields.put("SecretAccessKey", c.secretAccessKey());
    fields.put("Token", c.sessionToken());
    fields.put("AccountId", account);
    fields.put("Expiration", RFC3339_NANO.format(expiration));
    StringBuilder json = new StringBuilder("{");
    fields.forEach(
        (k, v) -> {
          if (json.length() > 1) {
            json.append(',');
          }
          json.append('"')
              .append(k)
              .append("\":\"")
              .append(v.replace("\\", "\\\\").replace("\"", "\\\""))
              .append('"');
        });
    return EmulatedResponse.json(200, json.append('}').toString());
  }

  private static EmulatedResponse goError(int status, String message) {
    // Go's http.Error: text/plain, the message and a newline.
    return new EmulatedResponse(
        status,
        Map.of("Content-Type", "text/plain; charset=utf-8", "X-Content-Type-Options", "nosniff"),
        message + "\n");
  }

  private static EmulatedResponse eksAuthError(
      int status, String code, String message, String fault) {
    return goError(
        status, "[" + UUID.randomUUID() + "]: (" + code + "): " + message + ", fault: " + fault);
  }

  /** Builds a {@link PodIdentityAgentEmulator}. */
  public static final class Builder {
    private final OidcIssuer oidc;
    private Clock clock = Clock.systemUTC();
    private Duration lifetime = Duration.ofHours(6);
    private final Map<String, String> associations = new LinkedHashMap<>();
    private boolean requireAgentHost;
    private int port;

    private Builder(OidcIssuer oidc) {
      this.oidc = Objects.requireNonNull(oidc, "oidc");
    }

    /**
     * The clock for expiries; use the test's virtual clock.
     *
     * @param clock the clock for expiries; use the test's virtual clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * How long issued credentials live; default 6 hours.
     *
     * @param lifetime how long issued credentials live; default 6 hours
     * @return this builder
     */
    public Builder credentialLifetime(Duration lifetime) {
      if (lifetime.isNegative() || lifetime.isZero()) {
        throw new IllegalArgumentException("lifetime must be positive: " + lifetime);
      }
      this.lifetime = lifetime;
      return this;
    }

    /**
     * A Pod Identity association: tokens with {@code subject} get credentials for {@code roleArn}.
     *
     * @param subject the subject ({@code sub})
     * @param roleArn the role ARN
     * @return this builder
     */
    public Builder association(String subject, String roleArn) {
      if (!ROLE_ARN.matcher(roleArn).matches()) {
        throw new IllegalArgumentException("not a role ARN: " + roleArn);
      }
      associations.put(Objects.requireNonNull(subject, "subject"), roleArn);
      return this;
    }

    /**
     * Answer 403 unless the {@code Host} header is the agent's address, as the real agent does. Off
     * by default, since tests call it on loopback.
     *
     * @param require the require
     * @return this builder
     */
    public Builder requireAgentHost(boolean require) {
      this.requireAgentHost = require;
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
    public PodIdentityAgentEmulator start() {
      return new PodIdentityAgentEmulator(this);
    }
  }
}
