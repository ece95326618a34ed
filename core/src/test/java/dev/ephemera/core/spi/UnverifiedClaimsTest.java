package dev.ephemera.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ephemera.core.Secret;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The one unverified-claims decoder: typed, bounded, never shows a value in its errors. */
class UnverifiedClaimsTest {

  private static Secret jwt(String payloadJson) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return Secret.of(
        b64.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8))
            + "."
            + b64.encodeToString(payloadJson.getBytes(StandardCharsets.UTF_8))
            + ".c2ln");
  }

  @Test
  void decode_readsStringsArraysAndNumericDates() {
    UnverifiedClaims c =
        UnverifiedClaims.decode(
            jwt(
                "{\"sub\":\"system:serviceaccount:ns:app\",\"aud\":[\"sts\",7,\"vault\"],"
                    + "\"exp\":1767225600,\"uti\":\"abc-123\",\"note\":\"has space\"}"));
    assertThat(c.string("sub")).contains("system:serviceaccount:ns:app");
    assertThat(c.strings("aud")).containsExactly("sts", "vault");
    assertThat(c.strings("sub")).containsExactly("system:serviceaccount:ns:app");
    assertThat(c.instant("exp")).contains(Instant.parse("2026-01-01T00:00:00Z"));
    assertThat(c.instant("iat")).isEmpty();
    assertThat(c.identifier("uti", 128)).contains("abc-123");
    assertThat(c.identifier("uti", 3)).isEmpty();
    assertThat(c.identifier("note", 128)).isEmpty();
    assertThat(c.string("exp")).isEmpty();
    assertThat(c.has("note")).isTrue();
    assertThat(c.toString()).contains("sub").doesNotContain("serviceaccount");
  }

  @Test
  void instant_thatIsNotWholeSecondsInRange_isRefusedByName() {
    for (String exp : new String[] {"1.5", "\"soon\"", "1e30", "-99999999999999999999"}) {
      UnverifiedClaims c = UnverifiedClaims.decode(jwt("{\"exp\":" + exp + "}"));
      assertThatThrownBy(() -> c.instant("exp"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("exp claim is not a whole number");
    }
  }

  @Test
  void decode_refusesWhatIsNotAJwt_withoutQuotingIt() {
    String canary = "CANARY-SECRET-VALUE";
    for (String bad :
        new String[] {canary, canary + ".x", "a.b.c.d", "a.!!!.c", "a." + canary + ".c"}) {
      assertThatThrownBy(() -> UnverifiedClaims.decode(Secret.of(bad)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageNotContaining(canary);
      assertThat(UnverifiedClaims.tryDecode(Secret.of(bad))).isEmpty();
    }
    assertThatThrownBy(() -> UnverifiedClaims.decode(jwt("[1,2]")))
        .hasMessageContaining("a JSON object is needed");
  }

  @Test
  void decode_refusesHugeAndDeeplyNestedPayloads_unparsed() {
    String huge = "x".repeat(UnverifiedClaims.MAX_TOKEN_CHARS + 1);
    assertThatThrownBy(() -> UnverifiedClaims.decode(Secret.of(huge)))
        .hasMessageContaining("more than the " + UnverifiedClaims.MAX_TOKEN_CHARS);
    String deep = "{\"a\":" + "[".repeat(20_000) + "]".repeat(20_000) + "}";
    assertThat(UnverifiedClaims.tryDecode(jwt(deep))).isEmpty();
  }
}
