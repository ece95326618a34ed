package dev.ephemera.testkit.azure;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.ephemera.testkit.emulator.EmulatedRequest;
import dev.ephemera.testkit.emulator.EmulatedResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Entra's JSON answers, shared by every endpoint family: the headers of every token-endpoint answer
 * and the error envelope with its {@code AADSTS} codes (PROTOCOLS.md §3.3), including the errors
 * more than one family raises (unknown tenant, missing parameter, bad assertion).
 */
final class EntraReplies {
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter PRECISE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSS'Z'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  private final Clock clock;

  EntraReplies(Clock clock) {
    this.clock = clock;
  }

  /** A token-endpoint answer: {@code body} as JSON with Entra's standard headers. */
  static EmulatedResponse json(int status, Map<String, Object> body, EmulatedRequest request) {
    return withStandardHeaders(
        new EmulatedResponse(
            status,
            Map.of("Content-Type", "application/json; charset=utf-8"),
            JSONObjectUtils.toJSONString(body)),
        request);
  }

  EmulatedResponse unknownTenant(String tenant, EmulatedRequest request) {
    return aadsts(
        400,
        "invalid_request",
        90002,
        "Tenant '"
            + tenant
            + "' not found. Check to make sure you have the correct tenant ID and are signing"
            + " into the correct cloud. Check with your subscription administrator, this may"
            + " happen if there are no active subscriptions for the tenant.",
        request);
  }

  EmulatedResponse missingParameter(String name, EmulatedRequest request) {
    return aadsts(
        400,
        "invalid_request",
        900144,
        "The request body must contain the following parameter: '" + name + "'.",
        request);
  }

  EmulatedResponse malformedAssertion(EmulatedRequest request) {
    return aadsts(401, "invalid_client", 50027, "JWT token is invalid or malformed.", request);
  }

  EmulatedResponse assertionOutOfTime(JWTClaimsSet presented, EmulatedRequest request) {
    Instant now = clock.instant();
    Date nbf = presented.getNotBeforeTime() != null ? presented.getNotBeforeTime() : new Date(0);
    Date exp = presented.getExpirationTime() != null ? presented.getExpirationTime() : new Date(0);
    return aadsts(
        401,
        "invalid_client",
        700024,
        "Client assertion is not within its valid time range. Current time: "
            + PRECISE.format(now)
            + ", assertion valid from "
            + PRECISE.format(nbf.toInstant())
            + ", expiry time of assertion "
            + PRECISE.format(exp.toInstant())
            + ". Review the documentation at"
            + " https://docs.microsoft.com/azure/active-directory/develop/active-directory-certificate-credentials"
            + " .",
        request);
  }

  /** Entra's error JSON: error, error_description (AADSTS text + trace lines), codes, ids. */
  EmulatedResponse aadsts(
      int status, String error, int code, String text, EmulatedRequest request) {
    Instant now = clock.instant();
    String traceId = UUID.randomUUID().toString();
    String correlationId =
        request.header("client-request-id").orElseGet(() -> UUID.randomUUID().toString());
    String stamp = STAMP.format(now);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", error);
    body.put(
        "error_description",
        "AADSTS"
            + code
            + ": "
            + text
            + "\r\nTrace ID: "
            + traceId
            + "\r\nCorrelation ID: "
            + correlationId
            + "\r\nTimestamp: "
            + stamp);
    body.put("error_codes", List.of(code));
    body.put("timestamp", stamp);
    body.put("trace_id", traceId);
    body.put("correlation_id", correlationId);
    body.put("error_uri", "https://login.microsoftonline.com/error?code=" + code);
    return json(status, body, request);
  }

  private static EmulatedResponse withStandardHeaders(
      EmulatedResponse response, EmulatedRequest request) {
    EmulatedResponse out =
        response
            .withHeader("Cache-Control", "no-store, no-cache")
            .withHeader("Pragma", "no-cache")
            .withHeader("x-ms-request-id", UUID.randomUUID().toString());
    if (request.header("return-client-request-id").map("true"::equalsIgnoreCase).orElse(false)) {
      String id = request.header("client-request-id").orElse(null);
      if (id != null) {
        out = out.withHeader("client-request-id", id);
      }
    }
    return out;
  }
}
