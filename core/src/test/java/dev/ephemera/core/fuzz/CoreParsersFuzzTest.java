package dev.ephemera.core.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ephemera.core.CredentialConfigurationException;
import dev.ephemera.core.Secret;
import dev.ephemera.core.spi.ProjectedToken;
import dev.ephemera.core.spi.UnverifiedClaims;
import dev.ephemera.core.spi.http.HttpDate;
import dev.ephemera.core.spi.http.RetryAfter;
import java.time.Instant;
import java.util.Base64;

/**
 * Fuzz targets for every parser of upstream or file input in core. Each may refuse its input only
 * with its documented typed exception; anything else (another exception, an {@code Error} such as
 * {@code StackOverflowError}, a hang) is a finding. In a normal build these run once over the seeds
 * kept in {@code src/test/resources/.../CoreParsersFuzzTestInputs/}; {@code .ci/fuzz} fuzzes each
 * for a while.
 */
class CoreParsersFuzzTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  @FuzzTest(maxDuration = "10s")
  void retryAfter_neverThrows_andStaysWithinTheCap(FuzzedDataProvider data) {
    String value = data.consumeRemainingAsString();
    RetryAfter.parse(value, NOW)
        .ifPresent(
            d -> {
              if (d.isNegative() || d.compareTo(RetryAfter.CAP) > 0) {
                throw new AssertionError("Retry-After outside [0, cap]: " + d);
              }
            });
  }

  @FuzzTest(maxDuration = "10s")
  void httpDate_neverThrows(FuzzedDataProvider data) {
    HttpDate.parse(data.consumeRemainingAsString());
  }

  @FuzzTest(maxDuration = "10s")
  void unverifiedClaims_refuseOnlyWithIllegalArgument(FuzzedDataProvider data) {
    boolean wrap = data.consumeBoolean();
    String payload = data.consumeRemainingAsString();
    String token =
        wrap
            ? "eyJhbGciOiJSUzI1NiJ9."
                + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes())
                + ".c2ln"
            : payload;
    try {
      UnverifiedClaims c = UnverifiedClaims.decode(Secret.of(token));
      c.string("sub");
      c.strings("aud");
      c.identifier("uti", 128);
      try {
        c.instant("exp");
      } catch (IllegalArgumentException expected) {
        // a claim that is not a NumericDate
      }
    } catch (IllegalArgumentException expected) {
      // refused, typed
    }
  }

  @FuzzTest(maxDuration = "10s")
  void projectedToken_refusesOnlyWithAConfigurationError(FuzzedDataProvider data) {
    String payload = data.consumeRemainingAsString();
    String token =
        "eyJhbGciOiJSUzI1NiJ9."
            + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes())
            + ".c2ln";
    try {
      ProjectedToken t = ProjectedToken.parse(Secret.of(token), "AWS_WEB_IDENTITY_TOKEN_FILE");
      if (t.toString().contains(token)) {
        throw new AssertionError("toString shows the token");
      }
    } catch (CredentialConfigurationException e) {
      if (String.valueOf(e.getMessage()).contains(token)) {
        throw new AssertionError("the error quotes the token", e);
      }
    }
  }
}
