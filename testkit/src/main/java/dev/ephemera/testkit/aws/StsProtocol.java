package dev.ephemera.testkit.aws;

import com.nimbusds.jwt.SignedJWT;
import dev.ephemera.testkit.emulator.EmulatedProtocol;
import dev.ephemera.testkit.emulator.EmulatedRequest;
import dev.ephemera.testkit.emulator.EmulatedResponse;
import dev.ephemera.testkit.oidc.OidcIssuer;
import dev.ephemera.testkit.oidc.TokenRejectedException;
import dev.ephemera.testkit.oidc.VerifiedToken;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.Date;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * STS {@code AssumeRoleWithWebIdentity} on the wire (PROTOCOLS.md §1.1): validates the request
 * ({@link AssumeRoleRequest}), verifies the web identity token and the role's trust, issues into
 * the {@link IssuedLedger} and answers with {@link AssumeRoleResponseXml}; errors and the shared
 * faults are shaped by {@link StsXml}. Thread-safe.
 */
final class StsProtocol implements EmulatedProtocol {
  private final OidcIssuer oidc;
  private final String audience;
  private final Clock clock;
  private final Map<String, StsRole> roles;
  private final Set<String> rejectedSubjects;
  private final boolean regionDisabled;
  private final IssuedLedger ledger;
  private final String roleIdPrefix = AwsIds.roleId();
  private final Deque<StsError> forced = new ArrayDeque<>();

  StsProtocol(
      OidcIssuer oidc,
      String audience,
      Clock clock,
      Map<String, StsRole> roles,
      Set<String> rejectedSubjects,
      boolean regionDisabled,
      IssuedLedger ledger) {
    this.oidc = oidc;
    this.audience = audience;
    this.clock = clock;
    this.roles = Map.copyOf(roles);
    this.rejectedSubjects = Set.copyOf(rejectedSubjects);
    this.regionDisabled = regionDisabled;
    this.ledger = ledger;
  }

  /** The next request is answered with {@code error} (after parameter parsing), in order. */
  void failNext(StsError error) {
    synchronized (forced) {
      forced.add(error);
    }
  }

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
    return StsXml.error(status, e.type(), e.code(), e.message());
  }

  @Override
  public EmulatedResponse throttled(Duration retryAfter, EmulatedRequest request) {
    // STS throttles with 400 and no Retry-After header (observed).
    return StsXml.error(StsError.THROTTLING);
  }

  @Override
  public EmulatedResponse expiredCredential(EmulatedRequest request) {
    return respond(request, true);
  }

  @Override
  public EmulatedResponse malformed(EmulatedRequest request) {
    return EmulatedResponse.xml(
        200, "<AssumeRoleWithWebIdentityResponse xmlns=\"" + StsXml.NS + "\"><<garbage");
  }

  private EmulatedResponse respond(EmulatedRequest request, boolean alreadyExpired) {
    Map<String, String> p = new LinkedHashMap<>(request.query());
    p.putAll(request.form());
    if (!request.method().equals("POST") && !request.method().equals("GET")) {
      return StsXml.error(405, "Sender", "InvalidAction", "Only POST and GET are supported");
    }
    EmulatedResponse refusal = AssumeRoleRequest.actionError(p);
    if (refusal != null) {
      return refusal;
    }
    AssumeRoleRequest r = AssumeRoleRequest.from(p);
    refusal = r.constraintError();
    if (refusal != null) {
      return refusal;
    }
    StsError forcedError;
    synchronized (forced) {
      forcedError = forced.poll();
    }
    if (forcedError != null) {
      return StsXml.error(forcedError);
    }
    refusal = r.policyError();
    if (refusal != null) {
      return refusal;
    }
    if (regionDisabled) {
      return StsXml.error(StsError.REGION_DISABLED);
    }
    VerifiedToken verified;
    try {
      verified = oidc.verify(r.token(), audience);
    } catch (TokenRejectedException e) {
      if (e.problem() == TokenRejectedException.Problem.EXPIRED) {
        return StsXml.error(
            400,
            "Sender",
            StsError.EXPIRED_TOKEN.code(),
            "Token expired: current date/time "
                + clock.instant().getEpochSecond()
                + " must be before the expiration date/time "
                + expirationOf(r.token()));
      }
      return StsXml.error(StsError.INVALID_IDENTITY_TOKEN);
    }
    if (rejectedSubjects.contains(verified.subject())) {
      return StsXml.error(StsError.IDP_REJECTED_CLAIM);
    }
    StsRole role = roles.get(r.roleArn());
    if (role == null || !role.subjects().contains(verified.subject())) {
      return StsXml.error(StsError.ACCESS_DENIED);
    }
    if (r.duration() > role.maxSession().toSeconds()) {
      return StsXml.validationError(
          "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
    }
    return success(role, verified, r, alreadyExpired);
  }

  private EmulatedResponse success(
      StsRole role, VerifiedToken token, AssumeRoleRequest r, boolean alreadyExpired) {
    Instant now = clock.instant();
    Instant expiration =
        (alreadyExpired ? now.minusSeconds(60) : now.plusSeconds(r.duration()))
            .truncatedTo(ChronoUnit.SECONDS);
    IssuedAwsCredentials c =
        new IssuedAwsCredentials(
            AwsIds.accessKeyId(),
            AwsIds.secretAccessKey(),
            AwsIds.sessionToken(),
            expiration,
            role.arn(),
            token.subject(),
            r.sessionName(),
            Optional.ofNullable(r.policy()),
            r.policyArns(),
            UUID.randomUUID().toString());
    ledger.record(c);
    return EmulatedResponse.xml(
        200, AssumeRoleResponseXml.render(role, token, audience, roleIdPrefix, c));
  }

  private static String expirationOf(String token) {
    try {
      Date exp = SignedJWT.parse(token).getJWTClaimsSet().getExpirationTime();
      return exp == null ? "0" : Long.toString(exp.toInstant().getEpochSecond());
    } catch (ParseException e) {
      return "0";
    }
  }
}
