package dev.ephemera.testkit.azure;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.ephemera.testkit.Canary;
import dev.ephemera.testkit.emulator.EmulatedRequest;
import dev.ephemera.testkit.emulator.EmulatedResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;

/**
 * Mints the token endpoint's successful answer (PROTOCOLS.md §3.2): Entra's JSON with a signed v1.0
 * app-only access token, remembered as an {@link IssuedToken}. Thread-safe.
 */
final class EntraAccessTokens {
  /** Entra backdates iat and nbf of its access tokens by five minutes for clock skew. */
  private static final Duration BACKDATE = Duration.ofMinutes(5);

  private final EntraDirectory directory;
  private final Clock clock;
  private final RSAKey signingKey;
  private final SecureRandom random = new SecureRandom();
  private final List<IssuedToken> issued = new CopyOnWriteArrayList<>();

  EntraAccessTokens(EntraDirectory directory, Clock clock, RSAKey signingKey) {
    this.directory = directory;
    this.clock = clock;
    this.signingKey = signingKey;
  }

  List<IssuedToken> issued() {
    return List.copyOf(issued);
  }

  /**
   * Issues a token for {@code scope} (a {@code <resource>/.default}) living {@code life}, with
   * {@code hint} as {@code refresh_in} when it is shorter than the life.
   */
  EmulatedResponse issue(
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
    return EntraReplies.json(200, body, request);
  }

  /** A v1.0 app-only access token, shaped like Entra's (and accepted by Azurite). */
  private String sign(
      String clientId, String resource, String uti, Instant now, Instant expiresAt) {
    String tenantId = directory.tenantId();
    String objectId = uuid("sp:" + tenantId + ":" + clientId);
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .audience(resource)
            .issuer(directory.stsIssuer())
            .issueTime(Date.from(now.minus(BACKDATE)))
            .notBeforeTime(Date.from(now.minus(BACKDATE)))
            .expirationTime(Date.from(expiresAt))
            .claim("aio", randomText(40))
            .claim(Canary.CLAIM, Canary.MARKER)
            .claim("appid", clientId)
            .claim("appidacr", "2")
            .claim("idp", directory.stsIssuer())
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
