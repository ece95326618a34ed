package dev.ephemera.testkit.oidc;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.ephemera.testkit.Canary;
import dev.ephemera.testkit.oidc.TokenRejectedException.Problem;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Plays the Kubernetes API server's service-account token issuer. Mints RS256 projected tokens
 * ({@code iss}, {@code sub = system:serviceaccount:NS:NAME}, {@code aud}, {@code iat}, {@code nbf},
 * {@code exp}, {@code kubernetes.io} claims) on an injected clock, serves {@code
 * /.well-known/openid-configuration} and {@code /openid/v1/jwks} on loopback, and verifies tokens
 * for the emulators. Close it to stop its server.
 */
public final class OidcIssuer implements AutoCloseable {
  private final Clock clock;
  private final RSAKey key;
  private final WireMockServer server;
  private final String issuerUrl;

  private OidcIssuer(Clock clock) {
    this.clock = clock;
    try {
      this.key =
          new RSAKeyGenerator(2048)
              .keyID("ephemera-testkit-" + UUID.randomUUID().toString().substring(0, 8))
              .keyUse(KeyUse.SIGNATURE)
              .algorithm(JWSAlgorithm.RS256)
              .generate();
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot generate an RSA key", e);
    }
    this.server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    server.start();
    this.issuerUrl = "http://127.0.0.1:" + server.port();
    String jwks = new JWKSet(key.toPublicJWK()).toString();
    server.stubFor(
        get(urlPathEqualTo("/openid/v1/jwks"))
            .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(jwks)));
    String discovery =
        "{\"issuer\":\""
            + issuerUrl
            + "\",\"jwks_uri\":\""
            + issuerUrl
            + "/openid/v1/jwks\",\"response_types_supported\":[\"id_token\"],"
            + "\"subject_types_supported\":[\"public\"],"
            + "\"id_token_signing_alg_values_supported\":[\"RS256\"]}";
    server.stubFor(
        get(urlPathEqualTo("/.well-known/openid-configuration"))
            .willReturn(
                aResponse().withHeader("Content-Type", "application/json").withBody(discovery)));
  }

  /**
   * Starts an issuer on a loopback port, stamping tokens with {@code clock}.
   *
   * @param clock the clock it runs on
   * @return the running issuer
   */
  public static OidcIssuer start(Clock clock) {
    return new OidcIssuer(Objects.requireNonNull(clock, "clock"));
  }

  /** {@return the {@code iss} of every token: this issuer's loopback URL} */
  public String issuerUrl() {
    return issuerUrl;
  }

  /** {@return the JWKS URL} */
  public String jwksUrl() {
    return issuerUrl + "/openid/v1/jwks";
  }

  /** {@return the signing key's id} */
  public String keyId() {
    return key.getKeyID();
  }

  /**
   * Mints a projected token for {@code account}, valid for {@code ttl} from now.
   *
   * @param account the service account
   * @param audience the audience ({@code aud}) the token must carry
   * @param ttl the time to live; positive
   * @return the signed token (a compact JWT)
   */
  public String mint(ServiceAccount account, String audience, Duration ttl) {
    return mint(account, List.of(audience), ttl, Map.of());
  }

  /**
   * Mints a token with extra claims (override or add to the standard ones).
   *
   * @param account the service account
   * @param audiences the audiences
   * @param ttl the time to live; positive
   * @param extra the extra
   * @return the signed token (a compact JWT)
   */
  public String mint(
      ServiceAccount account, List<String> audiences, Duration ttl, Map<String, Object> extra) {
    Instant now = clock.instant();
    JWTClaimsSet.Builder claims =
        new JWTClaimsSet.Builder()
            .issuer(issuerUrl)
            .subject(account.subject())
            .audience(audiences)
            .issueTime(Date.from(now))
            .notBeforeTime(Date.from(now))
            .expirationTime(Date.from(now.plus(ttl)))
            .jwtID(UUID.randomUUID().toString())
            .claim(Canary.CLAIM, Canary.MARKER)
            .claim(
                "kubernetes.io",
                Map.of(
                    "namespace", account.namespace(),
                    "serviceaccount", Map.of("name", account.name(), "uid", uid(account.subject())),
                    "pod",
                        Map.of(
                            "name", account.name() + "-pod", "uid", uid(account.name() + "pod"))));
    extra.forEach(claims::claim);
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256)
                .keyID(key.getKeyID())
                .type(JOSEObjectType.JWT)
                .build(),
            claims.build());
    try {
      jwt.sign(new RSASSASigner(key));
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign a token", e);
    }
    return jwt.serialize();
  }

  /**
   * Projects a token for {@code account} into {@code file} (like the kubelet) and returns a handle
   * to rotate it.
   *
   * @param file the file
   * @param account the service account
   * @param audience the audience ({@code aud}) the token must carry
   * @param ttl the time to live; positive
   * @return a handle on the projected file
   */
  public TokenFile project(Path file, ServiceAccount account, String audience, Duration ttl) {
    return new TokenFile(this, file, account, audience, ttl).rotate();
  }

  /**
   * Verifies a token the way an upstream that trusts this issuer would: RS256 signature by this
   * issuer's key, {@code iss}, {@code aud} containing {@code audience}, {@code exp} and {@code nbf}
   * on the issuer's clock.
   *
   * @param token the token
   * @param audience the audience ({@code aud}) the token must carry
   * @return the verified token
   * @throws TokenRejectedException naming the failed check
   */
  public VerifiedToken verify(String token, String audience) {
    SignedJWT jwt;
    JWTClaimsSet claims;
    try {
      jwt = SignedJWT.parse(token);
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw new TokenRejectedException(Problem.MALFORMED, "not a JWT");
    }
    try {
      if (!JWSAlgorithm.RS256.equals(jwt.getHeader().getAlgorithm())
          || !jwt.verify(new RSASSAVerifier(key.toRSAPublicKey()))) {
        throw new TokenRejectedException(Problem.BAD_SIGNATURE, "signature does not verify");
      }
    } catch (JOSEException e) {
      throw new TokenRejectedException(Problem.BAD_SIGNATURE, "signature does not verify");
    }
    if (!issuerUrl.equals(claims.getIssuer())) {
      throw new TokenRejectedException(Problem.WRONG_ISSUER, "issuer is " + claims.getIssuer());
    }
    List<String> aud = claims.getAudience() == null ? List.of() : claims.getAudience();
    if (!aud.contains(audience)) {
      throw new TokenRejectedException(
          Problem.WRONG_AUDIENCE, "audience " + aud + " does not contain " + audience);
    }
    Instant now = clock.instant();
    Date exp = claims.getExpirationTime();
    if (exp == null || !exp.toInstant().isAfter(now)) {
      throw new TokenRejectedException(Problem.EXPIRED, "token expired at " + exp);
    }
    Date nbf = claims.getNotBeforeTime();
    if (nbf != null && nbf.toInstant().isAfter(now)) {
      throw new TokenRejectedException(Problem.NOT_YET_VALID, "token not valid before " + nbf);
    }
    Date iat = claims.getIssueTime();
    String sub = claims.getSubject();
    return new VerifiedToken(
        sub == null ? "" : sub,
        issuerUrl,
        aud,
        exp.toInstant(),
        iat == null ? now : iat.toInstant(),
        claims.getJWTID() == null ? "" : claims.getJWTID());
  }

  @Override
  public void close() {
    server.stop();
  }

  private static String uid(String seed) {
    return UUID.nameUUIDFromBytes(seed.getBytes(java.nio.charset.StandardCharsets.UTF_8))
        .toString();
  }
}
