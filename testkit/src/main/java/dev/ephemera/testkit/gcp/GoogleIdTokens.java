package dev.ephemera.testkit.gcp;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.ephemera.testkit.Canary;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** Signs Google-shaped OIDC ID tokens ({@code iss=https://accounts.google.com}) for emulators. */
final class GoogleIdTokens {
  static final String ISSUER = "https://accounts.google.com";

  private @Nullable RSAKey key;

  /** The signing key, made on first use: most tests never ask for an ID token. */
  private synchronized RSAKey key() {
    RSAKey k = key;
    if (k == null) {
      try {
        k =
            new RSAKeyGenerator(2048)
                .keyID("google-emulator-" + UUID.randomUUID().toString().substring(0, 8))
                .generate();
      } catch (JOSEException e) {
        throw new IllegalStateException("cannot generate an RSA key", e);
      }
      key = k;
    }
    return k;
  }

  /** An ID token for {@code email} with {@code audience}, issued now, valid for {@code ttl}. */
  String sign(String email, String audience, Instant now, Duration ttl, boolean includeEmail) {
    JWTClaimsSet.Builder claims =
        new JWTClaimsSet.Builder()
            .claim(Canary.CLAIM, Canary.MARKER)
            .issuer(ISSUER)
            .subject(Integer.toUnsignedString(email.hashCode()) + "000000000")
            .audience(audience)
            .claim("azp", email)
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plus(ttl)));
    if (includeEmail) {
      claims.claim("email", email).claim("email_verified", true);
    }
    RSAKey key = key();
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
      throw new IllegalStateException("cannot sign an ID token", e);
    }
    return jwt.serialize();
  }
}
