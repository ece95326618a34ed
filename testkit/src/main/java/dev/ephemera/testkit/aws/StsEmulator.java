package dev.ephemera.testkit.aws;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.ephemera.testkit.emulator.EmulatedProtocol;
import dev.ephemera.testkit.emulator.EmulatedRequest;
import dev.ephemera.testkit.emulator.EmulatedResponse;
import dev.ephemera.testkit.emulator.Emulator;
import dev.ephemera.testkit.emulator.FaultPlan;
import dev.ephemera.testkit.emulator.Journal;
import dev.ephemera.testkit.oidc.OidcIssuer;
import dev.ephemera.testkit.oidc.TokenRejectedException;
import dev.ephemera.testkit.oidc.VerifiedToken;
import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * AWS STS {@code AssumeRoleWithWebIdentity} on loopback, as PROTOCOLS.md §1.1 describes it: {@code
 * POST /} with a form body, the exact XML success and {@code ErrorResponse} envelopes, parameter
 * validation ({@code DurationSeconds} 900..43200 and the role's maximum, session name, policy
 * size), the web identity token verified against an {@link OidcIssuer} (signature, issuer,
 * audience, expiry), and a role trust table of which {@code sub} may assume which role. Credentials
 * expire on the emulator's clock.
 *
 * <pre>{@code
 * StsEmulator sts = StsEmulator.builder(oidc)
 *     .clock(time.upstreamClock())
 *     .role("arn:aws:iam::111122223333:role/app", "system:serviceaccount:shop:app")
 *     .start();
 * sts.failNext(StsError.IDP_COMMUNICATION_ERROR);
 * }</pre>
 */
public final class StsEmulator implements AutoCloseable {
  /** The audience IRSA tokens carry. */
  public static final String DEFAULT_AUDIENCE = "sts.amazonaws.com";

  private static final String NS = "https://sts.amazonaws.com/doc/2011-06-15/";
  private static final Pattern SESSION_NAME = Pattern.compile("[\\w+=,.@-]{2,64}");
  private static final Pattern ROLE_ARN =
      Pattern.compile("arn:aws[a-z-]*:iam::(\\d{12}):role/(?:[\\w+=,.@-]+/)*([\\w+=,.@-]+)");
  private static final Pattern POLICY_ARN =
      Pattern.compile("arn:aws[a-z-]*:iam::(\\d{12}|aws):policy/[\\w+=,.@/-]+");

  private record Role(String arn, Duration maxSession, Set<String> subjects) {}

  private final OidcIssuer oidc;
  private final String audience;
  private final Clock clock;
  private final Map<String, Role> roles;
  private final Set<String> rejectedSubjects;
  private final boolean regionDisabled;
  private final String roleIdPrefix = AwsIds.roleId();
  private final Deque<StsError> forced = new ArrayDeque<>();
  private final IssuedLedger ledger = new IssuedLedger();
  private final Emulator emulator;

  private StsEmulator(Builder b) {
    this.oidc = b.oidc;
    this.audience = b.audience;
    this.clock = b.clock;
    this.roles = Map.copyOf(b.roles);
    this.rejectedSubjects = Set.copyOf(b.rejectedSubjects);
    this.regionDisabled = b.regionDisabled;
    this.emulator =
        Emulator.builder("sts", new Protocol()).clock(clock).https(b.https).port(b.port).start();
  }

  /** A builder for an STS that trusts tokens from {@code oidc}. */
  public static Builder builder(OidcIssuer oidc) {
    return new Builder(oidc);
  }

  /** The endpoint to give the STS client: {@code http://127.0.0.1:PORT}. */
  public URI endpoint() {
    return emulator.baseUri();
  }

  /** The underlying emulator (base URL, port). */
  public Emulator emulator() {
    return emulator;
  }

  /** Faults to inject (latency, status, throttling, resets, garbage, outages). */
  public FaultPlan faults() {
    return emulator.faults();
  }

  /** Every request received. */
  public Journal journal() {
    return emulator.journal();
  }

  /** How many {@code AssumeRoleWithWebIdentity} requests arrived (answered or not). */
  public int calls() {
    return emulator.journal().count("POST", "/");
  }

  /** The next request is answered with {@code error} (after parameter parsing), in order. */
  public StsEmulator failNext(StsError error) {
    synchronized (forced) {
      forced.add(Objects.requireNonNull(error, "error"));
    }
    return this;
  }

  /** The credentials issued under {@code accessKeyId}, if this emulator issued them. */
  public Optional<IssuedAwsCredentials> issued(String accessKeyId) {
    return ledger.find(accessKeyId);
  }

  /** Every credential issued, oldest first. */
  public List<IssuedAwsCredentials> issued() {
    return ledger.all();
  }

  /**
   * The secret key of {@code accessKeyId} if it was issued here and has not expired on the
   * emulator's clock: what a SigV4 verifier needs.
   */
  public Optional<String> secretKeyIfValid(String accessKeyId) {
    return ledger.secretKeyIfValid(accessKeyId, clock.instant());
  }

  @Override
  public void close() {
    emulator.close();
  }

  @Override
  public String toString() {
    return "StsEmulator[" + emulator.baseUrl() + ", roles=" + roles.keySet() + "]";
  }

  // ------------------------------------------------------------------ wire

  private final class Protocol implements EmulatedProtocol {
    @Override
    public EmulatedResponse handle(EmulatedRequest request) {
      return respond(request, false);
    }

    @Override
    public EmulatedResponse error(int status, EmulatedRequest request) {
      StsError e =
          switch (status) {
            case 403 -> StsError.ACCESS_DENIED;
            case 429 -> StsError.THROTTLING;
            case 400 -> StsError.VALIDATION_ERROR;
            case 503, 502, 504 -> StsError.SERVICE_UNAVAILABLE;
            default -> StsError.INTERNAL_FAILURE;
          };
      return errorXml(status, e.type(), e.code(), e.message());
    }

    @Override
    public EmulatedResponse throttled(Duration retryAfter, EmulatedRequest request) {
      // STS throttles with 400 and no Retry-After header (observed).
      return errorXml(StsError.THROTTLING);
    }

    @Override
    public EmulatedResponse expiredCredential(EmulatedRequest request) {
      return respond(request, true);
    }

    @Override
    public EmulatedResponse malformed(EmulatedRequest request) {
      return EmulatedResponse.xml(
          200, "<AssumeRoleWithWebIdentityResponse xmlns=\"" + NS + "\"><<garbage");
    }
  }

  private EmulatedResponse respond(EmulatedRequest request, boolean alreadyExpired) {
    Map<String, String> p = new LinkedHashMap<>(request.query());
    p.putAll(request.form());
    if (!request.method().equals("POST") && !request.method().equals("GET")) {
      return errorXml(405, "Sender", "InvalidAction", "Only POST and GET are supported");
    }
    String action = p.getOrDefault("Action", "");
    if (!action.equals("AssumeRoleWithWebIdentity")) {
      return errorXml(
          400,
          "Sender",
          action.isEmpty() ? "MissingAction" : "InvalidAction",
          "Could not find operation " + action + " for version " + p.getOrDefault("Version", ""));
    }
    if (!"2011-06-15".equals(p.get("Version"))) {
      return errorXml(400, "Sender", "InvalidAction", "Unsupported Version");
    }
    String roleArn = p.getOrDefault("RoleArn", "");
    String sessionName = p.getOrDefault("RoleSessionName", "");
    String token = p.getOrDefault("WebIdentityToken", "");
    String durationText = p.getOrDefault("DurationSeconds", "3600");
    String policy = p.get("Policy");
    List<String> policyArns = new ArrayList<>();
    for (int i = 1; p.containsKey("PolicyArns.member." + i + ".arn"); i++) {
      policyArns.add(p.get("PolicyArns.member." + i + ".arn"));
    }

    List<String> violations = new ArrayList<>();
    if (roleArn.length() < 20 || roleArn.length() > 2048) {
      violations.add(constraint(roleArn, "roleArn", "Member must have length between 20 and 2048"));
    }
    if (!SESSION_NAME.matcher(sessionName).matches()) {
      violations.add(
          constraint(
              sessionName,
              "roleSessionName",
              "Member must satisfy regular expression pattern: [\\w+=,.@-]* and have length"
                  + " between 2 and 64"));
    }
    if (token.length() < 4 || token.length() > 20000) {
      violations.add(
          "Value at 'webIdentityToken' failed to satisfy constraint: Member must have length between 4 and 20000");
    }
    long duration;
    try {
      duration = Long.parseLong(durationText);
    } catch (NumberFormatException e) {
      duration = -1;
    }
    if (duration < 900) {
      violations.add(
          constraint(
              durationText,
              "durationSeconds",
              "Member must have value greater than or equal to 900"));
    } else if (duration > 43200) {
      violations.add(
          constraint(
              durationText,
              "durationSeconds",
              "Member must have value less than or equal to 43200"));
    }
    if (policy != null && (policy.isEmpty() || policy.length() > 2048)) {
      violations.add(
          "Value at 'policy' failed to satisfy constraint: Member must have length between 1 and 2048");
    }
    if (policyArns.size() > 10) {
      violations.add(
          "Value at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to 10");
    }
    if (!violations.isEmpty()) {
      return errorXml(
          400,
          "Sender",
          "ValidationError",
          violations.size()
              + " validation error"
              + (violations.size() == 1 ? "" : "s")
              + " detected: "
              + String.join("; ", violations));
    }
    StsError forcedError;
    synchronized (forced) {
      forcedError = forced.poll();
    }
    if (forcedError != null) {
      return errorXml(forcedError);
    }
    if (policy != null && !isJsonObject(policy)) {
      return errorXml(StsError.MALFORMED_POLICY_DOCUMENT);
    }
    for (String arn : policyArns) {
      if (!POLICY_ARN.matcher(arn).matches()) {
        return errorXml(400, "Sender", "InvalidParameterValue", "Invalid policy ARN: " + arn);
      }
    }
    if (regionDisabled) {
      return errorXml(StsError.REGION_DISABLED);
    }
    VerifiedToken verified;
    try {
      verified = oidc.verify(token, audience);
    } catch (TokenRejectedException e) {
      if (e.problem() == TokenRejectedException.Problem.EXPIRED) {
        return errorXml(
            400,
            "Sender",
            StsError.EXPIRED_TOKEN.code(),
            "Token expired: current date/time "
                + clock.instant().getEpochSecond()
                + " must be before the expiration date/time "
                + expirationOf(token));
      }
      return errorXml(StsError.INVALID_IDENTITY_TOKEN);
    }
    if (rejectedSubjects.contains(verified.subject())) {
      return errorXml(StsError.IDP_REJECTED_CLAIM);
    }
    Role role = roles.get(roleArn);
    if (role == null || !role.subjects().contains(verified.subject())) {
      return errorXml(StsError.ACCESS_DENIED);
    }
    if (duration > role.maxSession().toSeconds()) {
      return errorXml(
          400,
          "Sender",
          "ValidationError",
          "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
    }
    return success(role, verified, sessionName, duration, policy, policyArns, alreadyExpired);
  }

  private EmulatedResponse success(
      Role role,
      VerifiedToken token,
      String sessionName,
      long duration,
      @Nullable String policy,
      List<String> policyArns,
      boolean alreadyExpired) {
    var m = ROLE_ARN.matcher(role.arn());
    String account = m.matches() ? m.group(1) : "111122223333";
    String roleName = m.matches() ? m.group(2) : "role";
    Instant now = clock.instant();
    Instant expiration =
        (alreadyExpired ? now.minusSeconds(60) : now.plusSeconds(duration))
            .truncatedTo(ChronoUnit.SECONDS);
    String requestId = UUID.randomUUID().toString();
    IssuedAwsCredentials c =
        new IssuedAwsCredentials(
            AwsIds.accessKeyId(),
            AwsIds.secretAccessKey(),
            AwsIds.sessionToken(),
            expiration,
            role.arn(),
            token.subject(),
            sessionName,
            Optional.ofNullable(policy),
            policyArns,
            requestId);
    ledger.record(c);
    String provider =
        "arn:aws:iam::"
            + account
            + ":oidc-provider/"
            + token.issuer().replaceFirst("^https?://", "");
    StringBuilder xml = new StringBuilder(1024);
    xml.append("<AssumeRoleWithWebIdentityResponse xmlns=\"")
        .append(NS)
        .append("\">\n")
        .append("  <AssumeRoleWithWebIdentityResult>\n")
        .append("    <SubjectFromWebIdentityToken>")
        .append(esc(token.subject()))
        .append("</SubjectFromWebIdentityToken>\n")
        .append("    <Audience>")
        .append(esc(audience))
        .append("</Audience>\n")
        .append("    <AssumedRoleUser>\n")
        .append("      <Arn>arn:aws:sts::")
        .append(account)
        .append(":assumed-role/")
        .append(esc(roleName))
        .append('/')
        .append(esc(sessionName))
        .append("</Arn>\n")
        .append("      <AssumedRoleId>")
        .append(roleIdPrefix)
        .append(':')
        .append(esc(sessionName))
        .append("</AssumedRoleId>\n")
        .append("    </AssumedRoleUser>\n")
        .append("    <Credentials>\n")
        .append("      <AccessKeyId>")
        .append(c.accessKeyId())
        .append("</AccessKeyId>\n")
        .append("      <SecretAccessKey>")
        .append(esc(c.secretAccessKey()))
        .append("</SecretAccessKey>\n")
        .append("      <SessionToken>")
        .append(esc(c.sessionToken()))
        .append("</SessionToken>\n")
        .append("      <Expiration>")
        .append(DateTimeFormatter.ISO_INSTANT.format(expiration))
        .append("</Expiration>\n")
        .append("    </Credentials>\n");
    if (policy != null || !policyArns.isEmpty()) {
      int packed =
          (int)
              Math.min(
                  100,
                  Math.ceil(
                      ((policy == null ? 0 : policy.length()) + 64.0 * policyArns.size())
                          * 100
                          / 2048));
      xml.append("    <PackedPolicySize>")
          .append(Math.max(1, packed))
          .append("</PackedPolicySize>\n");
    }
    xml.append("    <Provider>")
        .append(esc(provider))
        .append("</Provider>\n")
        .append("  </AssumeRoleWithWebIdentityResult>\n")
        .append("  <ResponseMetadata>\n")
        .append("    <RequestId>")
        .append(requestId)
        .append("</RequestId>\n")
        .append("  </ResponseMetadata>\n")
        .append("</AssumeRoleWithWebIdentityResponse>\n");
    return EmulatedResponse.xml(200, xml.toString());
  }

  private static EmulatedResponse errorXml(StsError e) {
    return errorXml(e.status(), e.type(), e.code(), e.message());
  }

  private static EmulatedResponse errorXml(int status, String type, String code, String message) {
    String body =
        "<ErrorResponse xmlns=\""
            + NS
            + "\">\n  <Error>\n    <Type>"
            + type
            + "</Type>\n    <Code>"
            + esc(code)
            + "</Code>\n    <Message>"
            + esc(message)
            + "</Message>\n  </Error>\n  <RequestId>"
            + UUID.randomUUID()
            + "</RequestId>\n</ErrorResponse>\n";
    return EmulatedResponse.xml(status, body);
  }

  private static String constraint(String value, String member, String rule) {
    String shown = value.length() > 64 ? value.substring(0, 64) + "..." : value;
    return "Value '" + shown + "' at '" + member + "' failed to satisfy constraint: " + rule;
  }

  private static String expirationOf(String token) {
    try {
      java.util.Date exp =
          com.nimbusds.jwt.SignedJWT.parse(token).getJWTClaimsSet().getExpirationTime();
      return exp == null ? "0" : Long.toString(exp.toInstant().getEpochSecond());
    } catch (ParseException e) {
      return "0";
    }
  }

  private static boolean isJsonObject(String text) {
    try {
      JSONObjectUtils.parse(text);
      return true;
    } catch (ParseException | RuntimeException e) {
      return false;
    }
  }

  private static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      switch (ch) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&apos;");
        default -> b.append(ch);
      }
    }
    return b.toString();
  }

  /** Builds a {@link StsEmulator}. */
  public static final class Builder {
    private final OidcIssuer oidc;
    private String audience = DEFAULT_AUDIENCE;
    private Clock clock = Clock.systemUTC();
    private final Map<String, Role> roles = new LinkedHashMap<>();
    private final java.util.Set<String> rejectedSubjects = new java.util.HashSet<>();
    private boolean regionDisabled;
    private boolean https;
    private int port;

    private Builder(OidcIssuer oidc) {
      this.oidc = Objects.requireNonNull(oidc, "oidc");
    }

    /** The audience tokens must carry; default {@code sts.amazonaws.com}. */
    public Builder audience(String audience) {
      this.audience = Objects.requireNonNull(audience, "audience");
      return this;
    }

    /** The clock for expiries and outage windows; use the test's virtual clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** A role with a one-hour maximum session, assumable by tokens whose {@code sub} is listed. */
    public Builder role(String roleArn, String... trustedSubjects) {
      return role(roleArn, Duration.ofHours(1), List.of(trustedSubjects));
    }

    /** A role with its maximum session duration (1..12 h) and trusted subjects. */
    public Builder role(String roleArn, Duration maxSession, Collection<String> trustedSubjects) {
      Objects.requireNonNull(roleArn, "roleArn");
      if (!ROLE_ARN.matcher(roleArn).matches()) {
        throw new IllegalArgumentException("not a role ARN: " + roleArn);
      }
      if (maxSession.compareTo(Duration.ofHours(1)) < 0
          || maxSession.compareTo(Duration.ofHours(12)) > 0) {
        throw new IllegalArgumentException(
            "a role's maximum session is 1..12 hours: " + maxSession);
      }
      roles.put(roleArn, new Role(roleArn, maxSession, Set.copyOf(trustedSubjects)));
      return this;
    }

    /** Tokens with this {@code sub} get {@code IDPRejectedClaim}. */
    public Builder rejectClaimsOf(String subject) {
      rejectedSubjects.add(Objects.requireNonNull(subject, "subject"));
      return this;
    }

    /** Every request gets {@code RegionDisabledException}. */
    public Builder regionDisabled(boolean disabled) {
      this.regionDisabled = disabled;
      return this;
    }

    /** Serve HTTPS with the testkit's loopback certificate. */
    public Builder https(boolean https) {
      this.https = https;
      return this;
    }

    /** A fixed port; default any free one. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** Starts the emulator. */
    public StsEmulator start() {
      return new StsEmulator(this);
    }
  }
}
