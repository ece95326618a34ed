package dev.ephemera.testkit.azure;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.ephemera.testkit.emulator.EmulatedProtocol;
import dev.ephemera.testkit.emulator.EmulatedRequest;
import dev.ephemera.testkit.emulator.EmulatedResponse;
import dev.ephemera.testkit.oidc.OidcIssuer;
import dev.ephemera.testkit.oidc.TokenRejectedException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;

/** Entra ID's v2.0 token endpoint (client credentials with a federated assertion) and discovery. */
final class EntraProtocol implements EmulatedProtocol {
  static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter PRECISE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSS'Z'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  /** Entra backdates iat and nbf of its access tokens by five minutes for clock skew. */
  private static final Duration BACKDATE = Duration.ofMinutes(5);

  private static final Set<String> OIDC_SCOPES = Set.of("openid", "profile", "offline_access");

  private final OidcIssuer trusted;
  private final Clock clock;
  private final String tenantId;
  private final Duration lifetime;
  private final @Nullable Duration refreshIn;
  private final RSAKey signingKey;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, List<FederatedCredential>> applications = new ConcurrentHashMap<>();
  private final List<IssuedToken> issued = new CopyOnWriteArrayList<>();
  private volatile String authorityBase = "";

  EntraProtocol(
      OidcIssuer trusted,
      Clock clock,
      String tenantId,
      Duration lifetime,
      @Nullable Duration refreshIn,
      RSAKey signingKey) {
    this.trusted = trusted;
    this.clock = clock;
    this.tenantId = tenantId;
    this.lifetime = lifetime;
    this.refreshIn = refreshIn;
    this.signingKey = signingKey;
  }

  /** Set once the server is bound: {@code https://127.0.0.1:PORT}. */
  void authorityBase(String base) {
    this.authorityBase = base;
  }

  void register(String clientId, List<FederatedCredential> credentials) {
    applications.compute(
        clientId,
        (k, existing) -> {
          List<FederatedCredential> all = new ArrayList<>(existing == null ? List.of() : existing);
          all.addAll(credentials);
          return List.copyOf(all);
        });
  }

  void clearFederatedCredentials(String clientId) {
    applications.computeIfPresent(clientId, (k, v) -> List.of());
  }

  void unregister(String clientId) {
    applications.remove(clientId);
  }

  List<IssuedToken> issued() {
    return List.copyOf(issued);
  }

  String stsIssuer() {
    return "https://sts.windows.net/" + tenantId + "/";
  }

  // ------------------------------------------------------------------ routing

  @Override
  public EmulatedResponse handle(EmulatedRequest request) {
    List<String> path = request.pathSegments();
    if (request.method().equals("POST")
        && path.size() == 4
        && path.get(1).equals("oauth2")
        && path.get(2).equals("v2.0")
        && path.get(3).equals("token")) {
      return token(path.get(0), request);
    }
    if (request.method().equals("GET")
        && path.size() == 4
        && path.get(1).equals("v2.0")
        && path.get(2).equals(".well-known")
        && path.get(3).equals("openid-configuration")) {
      return openIdConfiguration(path.get(0), request);
    }
    if (request.method().equals("GET")
        && path.size() == 3
        && path.get(0).equals("common")
        && path.get(1).equals("discovery")
        && path.get(2).equals("instance")) {
      return instanceDiscovery(request);
    }
    if (request.method().equals("GET")
        && path.size() == 4
        && path.get(1).equals("discovery")
        && path.get(2).equals("v2.0")
        && path.get(3).equals("keys")) {
      return EmulatedResponse.json(200, new JWKSet(signingKey.toPublicJWK()).toString());
    }
    return EmulatedResponse.json(404, "{\"error\":\"not_found\"}");
  }

  private boolean knownTenant(String tenant) {
    return tenant.equalsIgnoreCase(tenantId);
  }

  // ------------------------------------------------------------------ token endpoint

  private EmulatedResponse token(String tenant, EmulatedRequest request) {
    if (!knownTenant(tenant)) {
      return unknownTenant(tenant, request);
    }
    Map<String, String> form = request.form();
    String grant = form.get("grant_type");
    if (grant == null || grant.isEmpty()) {
      return missingParameter("grant_type", request);
    }
    if (!grant.equals("client_credentials")) {
      return aadsts(
          400,
          "unsupported_grant_type",
          70003,
          "The app requested an unsupported grant type '" + grant + "'.",
          request);
    }
    String clientId = form.get("client_id");
    if (clientId == null || clientId.isEmpty()) {
      return missingParameter("client_id", request);
    }
    List<FederatedCredential> credentials = applications.get(clientId);
    if (credentials == null) {
      return aadsts(
          400,
          "unauthorized_client",
          700016,
          "Application with identifier '"
              + clientId
              + "' was not found in the directory '"
              + tenant
              + "'. This can happen if the application has not been installed by the"
              + " administrator of the tenant or consented to by any user in the tenant. You may"
              + " have sent your authentication request to the wrong tenant.",
          request);
    }
    String assertion = form.get("client_assertion");
    if (assertion == null
        || assertion.isEmpty()
        || !JWT_BEARER.equals(form.get("client_assertion_type"))) {
      return aadsts(
          401,
          "invalid_client",
          7000216,
          "'client_assertion', 'client_secret' or 'request' is required for the"
              + " 'client_credentials' grant type.",
          request);
    }
    JWTClaimsSet presented;
    try {
      presented = SignedJWT.parse(assertion).getJWTClaimsSet();
    } catch (ParseException e) {
      return malformedAssertion(request);
    }
    String iss = Objects.requireNonNullElse(presented.getIssuer(), "");
    String sub = Objects.requireNonNullElse(presented.getSubject(), "");
    List<String> aud = presented.getAudience() == null ? List.of() : presented.getAudience();
    List<FederatedCredential> sameIssuer =
        credentials.stream().filter(c -> c.issuer().equals(iss)).toList();
    if (sameIssuer.isEmpty()) {
      return aadsts(
          401,
          "invalid_client",
          700211,
          "No matching federated identity record found for presented assertion issuer '"
              + iss
              + "'. Please check your federated identity credential Subject, Audience and Issuer"
              + " against the presented assertion."
              + " https://learn.microsoft.com/entra/workload-id/workload-identity-federation",
          request);
    }
    FederatedCredential match =
        sameIssuer.stream()
            .filter(c -> c.subject().equals(sub) && aud.contains(c.audience()))
            .findFirst()
            .orElse(null);
    if (match == null) {
      return aadsts(
          401,
          "invalid_client",
          70021,
          "No matching federated identity record found for presented assertion. Assertion"
              + " Issuer: '"
              + iss
              + "'. Assertion Subject: '"
              + sub
              + "'. Assertion Audience: '"
              + String.join(",", aud)
              + "'. https://learn.microsoft.com/entra/workload-id/workload-identity-federation",
          request);
    }
    if (!iss.equals(trusted.issuerUrl())) {
      return aadsts(
          401,
          "invalid_client",
          90061,
          "Request to External OIDC endpoint failed: the emulator can only fetch the keys of its"
              + " own OIDC issuer "
              + trusted.issuerUrl()
              + ".",
          request);
    }
    try {
      trusted.verify(assertion, match.audience());
    } catch (TokenRejectedException e) {
      return switch (e.problem()) {
        case EXPIRED, NOT_YET_VALID -> assertionOutOfTime(presented, request);
        case BAD_SIGNATURE ->
            aadsts(
                401,
                "invalid_client",
                700027,
                "Client assertion failed signature validation.",
                request);
        default -> malformedAssertion(request);
      };
    }
    String scope = form.getOrDefault("scope", "").strip();
    if (scope.isEmpty()) {
      return aadsts(
          400,
          "invalid_scope",
          70011,
          "The provided request must include a 'scope' input parameter.",
          request);
    }
    // MSAL adds the OIDC scopes to every request; Entra ignores them for client credentials
    List<String> scopes =
        Arrays.stream(scope.split("\\s+")).filter(s -> !OIDC_SCOPES.contains(s)).toList();
    if (scopes.size() != 1 || !scopes.get(0).endsWith("/.default")) {
      return aadsts(
          400,
          "invalid_scope",
          1002012,
          "The provided value for scope "
              + scope
              + " is not valid. Client credential flows must have a scope value with /.default"
              + " suffixed to the resource identifier (application ID URI).",
          request);
    }
    return success(clientId, sub, scopes.get(0), lifetime, refreshIn, request);
  }

  private EmulatedResponse success(
      String clientId,
      String subject,
      String scope,
      Duration life,
      @Nullable Duration hint,
      EmulatedRequest request) {
    Instant now = clock.instant();
    String resource = scope.substring(0, scope.length() - "/.default".length());
    String uti = uti();
    Instant expiresAt = now.plus(life);
    String accessToken = sign(clientId, resource, uti, now, expiresAt);
    issued.add(new IssuedToken(uti, clientId, subject, scope, resource, now, expiresAt));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("token_type", "Bearer");
    body.put("expires_in", life.toSeconds());
    body.put("ext_expires_in", life.toSeconds());
    if (hint != null && hint.compareTo(life) < 0) {
      body.put("refresh_in", hint.toSeconds());
    }
    body.put("access_token", accessToken);
    return withStandardHeaders(
        new EmulatedResponse(
            200,
            Map.of("Content-Type", "application/json; charset=utf-8"),
            JSONObjectUtils.toJSONString(body)),
        request);
  }

  /** A v1.0 app-only access token, shaped like Entra's (and accepted by Azurite). */
  private String sign(
      String clientId, String resource, String uti, Instant now, Instant expiresAt) {
    String objectId = uuid("sp:" + tenantId + ":" + clientId);
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .audience(resource)
            .issuer(stsIssuer())
            .issueTime(Date.from(now.minus(BACKDATE)))
            .notBeforeTime(Date.from(now.minus(BACKDATE)))
            .expirationTime(Date.from(expiresAt))
            .claim("aio", randomText(40))
            .claim("appid", clientId)
            .claim("appidacr", "2")
            .claim("idp", stsIssuer())
            .claim("idtyp", "app")
            .claim("oid", objectId)
            .claim("rh", randomText(24))
            .subject(objectId)
            .claim("tid", tenantId)
            .claim("uti", uti)
            .claim("ver", "1.0")
            .build();
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256)
                .type(JOSEObjectType.JWT)
                .keyID(signingKey.getKeyID())
                .build(),
            claims);
    try {
      jwt.sign(new RSASSASigner(signingKey));
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign an access token", e);
    }
    return jwt.serialize();
  }

  // ------------------------------------------------------------------ discovery

  private EmulatedResponse openIdConfiguration(String tenant, EmulatedRequest request) {
    if (!knownTenant(tenant)) {
      return unknownTenant(tenant, request);
    }
    String base = authorityBase + "/" + tenant;
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("token_endpoint", base + "/oauth2/v2.0/token");
    doc.put(
        "token_endpoint_auth_methods_supported",
        List.of("client_secret_post", "private_key_jwt", "client_secret_basic"));
    doc.put("jwks_uri", base + "/discovery/v2.0/keys");
    doc.put("response_modes_supported", List.of("query", "fragment", "form_post"));
    doc.put("subject_types_supported", List.of("pairwise"));
    doc.put("id_token_signing_alg_values_supported", List.of("RS256"));
    doc.put("response_types_supported", List.of("code", "id_token", "code id_token"));
    doc.put("scopes_supported", List.of("openid", "profile", "email", "offline_access"));
    doc.put("issuer", "https://login.microsoftonline.com/" + tenantId + "/v2.0");
    doc.put("authorization_endpoint", base + "/oauth2/v2.0/authorize");
    doc.put("tenant_region_scope", "WW");
    return EmulatedResponse.json(200, JSONObjectUtils.toJSONString(doc));
  }

  private EmulatedResponse instanceDiscovery(EmulatedRequest request) {
    String host = authorityBase.replaceFirst("^https://", "");
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("preferred_network", host);
    entry.put("preferred_cache", host);
    entry.put("aliases", List.of(host));
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put(
        "tenant_discovery_endpoint",
        authorityBase + "/" + tenantId + "/v2.0/.well-known/openid-configuration");
    doc.put("api-version", "1.1");
    doc.put("metadata", List.of(entry));
    return EmulatedResponse.json(200, JSONObjectUtils.toJSONString(doc));
  }

  // ------------------------------------------------------------------ faults

  @Override
  public EmulatedResponse error(int status, EmulatedRequest request) {
    if (status >= 500) {
      return status == 500
          ? aadsts(
              500,
              "server_error",
              50000,
              "There was an error issuing a token or an issue with our sign-in service.",
              request)
          : aadsts(
              status,
              "temporarily_unavailable",
              90006,
              "The service is temporarily unavailable. Please retry.",
              request);
    }
    return switch (status) {
      case 401 ->
          aadsts(
              401,
              "invalid_client",
              7000218,
              "The request body must contain the following parameter: 'client_assertion' or"
                  + " 'client_secret'.",
              request);
      case 403 ->
          aadsts(
              403,
              "unauthorized_client",
              700016,
              "Application was not found in the directory '" + tenantId + "'.",
              request);
      default ->
          aadsts(
              status,
              "invalid_request",
              900144,
              "The request body must contain the following parameter: 'grant_type'.",
              request);
    };
  }

  @Override
  public EmulatedResponse throttled(Duration retryAfter, EmulatedRequest request) {
    return aadsts(
            429,
            "temporarily_unavailable",
            90055,
            "There are too many incoming requests. Please try again later.",
            request)
        .withHeader("Retry-After", Long.toString(Math.max(0, retryAfter.toSeconds())));
  }

  @Override
  public EmulatedResponse expiredCredential(EmulatedRequest request) {
    Map<String, String> form = request.form();
    String scope =
        Arrays.stream(form.getOrDefault("scope", "").split("\\s+"))
            .filter(s -> s.endsWith("/.default"))
            .findFirst()
            .orElse("https://management.azure.com/.default");
    return success(
        form.getOrDefault("client_id", "unknown"), "", scope, Duration.ZERO, null, request);
  }

  // ------------------------------------------------------------------ error envelope

  private EmulatedResponse unknownTenant(String tenant, EmulatedRequest request) {
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

  private EmulatedResponse missingParameter(String name, EmulatedRequest request) {
    return aadsts(
        400,
        "invalid_request",
        900144,
        "The request body must contain the following parameter: '" + name + "'.",
        request);
  }

  private EmulatedResponse malformedAssertion(EmulatedRequest request) {
    return aadsts(401, "invalid_client", 50027, "JWT token is invalid or malformed.", request);
  }

  private EmulatedResponse assertionOutOfTime(JWTClaimsSet presented, EmulatedRequest request) {
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
  private EmulatedResponse aadsts(
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
    return withStandardHeaders(
        new EmulatedResponse(
            status,
            Map.of("Content-Type", "application/json; charset=utf-8"),
            JSONObjectUtils.toJSONString(body)),
        request);
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

  // ------------------------------------------------------------------ helpers

  private String uti() {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private String randomText(int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).substring(0, length);
  }

  private static String uuid(String seed) {
    return UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)).toString();
  }
}
