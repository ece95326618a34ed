package dev.ephemera.testkit.aws;

import dev.ephemera.testkit.emulator.Emulator;
import dev.ephemera.testkit.emulator.FaultPlan;
import dev.ephemera.testkit.emulator.Journal;
import dev.ephemera.testkit.oidc.OidcIssuer;
import dev.ephemera.testkit.oidc.TokenFile;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

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

  private final Clock clock;
  private final Map<String, StsRole> roles;
  private final StsProtocol protocol;
  private final IssuedLedger ledger = new IssuedLedger();
  private final Emulator emulator;

  private StsEmulator(Builder b) {
    this.clock = b.clock;
    this.roles = Map.copyOf(b.roles);
    this.protocol =
        new StsProtocol(
            b.oidc, b.audience, clock, roles, b.rejectedSubjects, b.regionDisabled, ledger);
    this.emulator =
        Emulator.builder("sts", protocol).clock(clock).https(b.https).port(b.port).start();
  }

  /**
   * {@return a builder for an STS that trusts tokens from {@code oidc}}
   *
   * @param oidc the OIDC issuer whose tokens are trusted
   */
  public static Builder builder(OidcIssuer oidc) {
    return new Builder(oidc);
  }

  /**
   * What EKS injects into a pod with IRSA for {@code roleArn}, pointed at this emulator: {@code
   * AWS_ROLE_ARN}, {@code AWS_WEB_IDENTITY_TOKEN_FILE} (the projected token, audience {@value
   * #DEFAULT_AUDIENCE}), {@code AWS_REGION} ({@code us-east-1}) and {@code AWS_ENDPOINT_URL_STS},
   * for {@code AwsCredentialSources.fromEnvironment(Environment.of(map))}.
   *
   * @param roleArn the role the pod assumes
   * @param token the projected token file the pod mounts
   * @return the environment variables and their values
   */
  public Map<String, String> irsaEnvironment(String roleArn, TokenFile token) {
    return Map.of(
        "AWS_ROLE_ARN", Objects.requireNonNull(roleArn, "roleArn"),
        "AWS_WEB_IDENTITY_TOKEN_FILE", token.path().toString(),
        "AWS_REGION", "us-east-1",
        "AWS_ENDPOINT_URL_STS", endpoint().toString());
  }

  /** {@return the endpoint to give the STS client: {@code http://127.0.0.1:PORT}} */
  public URI endpoint() {
    return emulator.baseUri();
  }

  /** {@return the underlying emulator (base URL, port)} */
  public Emulator emulator() {
    return emulator;
  }

  /** {@return faults to inject (latency, status, throttling, resets, garbage, outages)} */
  public FaultPlan faults() {
    return emulator.faults();
  }

  /** {@return every request received} */
  public Journal journal() {
    return emulator.journal();
  }

  /** {@return how many {@code AssumeRoleWithWebIdentity} requests arrived (answered or not)} */
  public int calls() {
    return emulator.journal().count("POST", "/");
  }

  /**
   * The next request is answered with {@code error} (after parameter parsing), in order.
   *
   * @param error the next request is answered with {@code error} (after parameter parsing), in
   *     order
   * @return this {@code StsEmulator}
   */
  public StsEmulator failNext(StsError error) {
    protocol.failNext(Objects.requireNonNull(error, "error"));
    return this;
  }

  /**
   * {@return the credentials issued under {@code accessKeyId}, if this emulator issued them}
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
   * {@return the secret key of {@code accessKeyId} if it was issued here and has not expired on the
   * emulator's clock: what a SigV4 verifier needs}
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

  @Override
  public String toString() {
    return "StsEmulator[" + emulator.baseUrl() + ", roles=" + roles.keySet() + "]";
  }

  /** Builds a {@link StsEmulator}. */
  public static final class Builder {
    private final OidcIssuer oidc;
    private String audience = DEFAULT_AUDIENCE;
    private Clock clock = Clock.systemUTC();
    private final Map<String, StsRole> roles = new LinkedHashMap<>();
    private final Set<String> rejectedSubjects = new HashSet<>();
    private boolean regionDisabled;
    private boolean https;
    private int port;

    private Builder(OidcIssuer oidc) {
      this.oidc = Objects.requireNonNull(oidc, "oidc");
    }

    /**
     * The audience tokens must carry; default {@code sts.amazonaws.com}.
     *
     * @param audience the audience tokens must carry; default {@code sts.amazonaws.com}
     * @return this builder
     */
    public Builder audience(String audience) {
      this.audience = Objects.requireNonNull(audience, "audience");
      return this;
    }

    /**
     * The clock for expiries and outage windows; use the test's virtual clock.
     *
     * @param clock the clock for expiries and outage windows; use the test's virtual clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * A role with a one-hour maximum session, assumable by tokens whose {@code sub} is listed.
     *
     * @param roleArn the role ARN
     * @param trustedSubjects the trusted subjects
     * @return this builder
     */
    public Builder role(String roleArn, String... trustedSubjects) {
      return role(roleArn, Duration.ofHours(1), List.of(trustedSubjects));
    }

    /**
     * A role with its maximum session duration (1..12 h) and trusted subjects.
     *
     * @param roleArn the role ARN
     * @param maxSession the max session
     * @param trustedSubjects the trusted subjects
     * @return this builder
     */
    public Builder role(String roleArn, Duration maxSession, Collection<String> trustedSubjects) {
      Objects.requireNonNull(roleArn, "roleArn");
      if (!StsRole.ARN.matcher(roleArn).matches()) {
        throw new IllegalArgumentException("not a role ARN: " + roleArn);
      }
      if (maxSession.compareTo(Duration.ofHours(1)) < 0
          || maxSession.compareTo(Duration.ofHours(12)) > 0) {
        throw new IllegalArgumentException(
            "a role's maximum session is 1..12 hours: " + maxSession);
      }
      roles.put(roleArn, new StsRole(roleArn, maxSession, Set.copyOf(trustedSubjects)));
      return this;
    }

    /**
     * Tokens with this {@code sub} get {@code IDPRejectedClaim}.
     *
     * @param subject the subject ({@code sub})
     * @return this builder
     */
    public Builder rejectClaimsOf(String subject) {
      rejectedSubjects.add(Objects.requireNonNull(subject, "subject"));
      return this;
    }

    /**
     * Every request gets {@code RegionDisabledException}.
     *
     * @param disabled every request gets {@code RegionDisabledException}
     * @return this builder
     */
    public Builder regionDisabled(boolean disabled) {
      this.regionDisabled = disabled;
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
     * Starts the emulator.
     *
     * @return the running emulator
     */
    public StsEmulator start() {
      return new StsEmulator(this);
    }
  }
}
