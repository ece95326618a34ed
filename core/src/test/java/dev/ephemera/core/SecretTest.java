package dev.ephemera.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class SecretTest {

  private static final String VALUE = "s3cr3t-session-token-value";

  @Test
  void toString_neverShowsTheValue() {
    Secret secret = Secret.of(VALUE);

    assertThat(secret.toString()).isEqualTo("Secret[redacted]").doesNotContain(VALUE);
    assertThat(String.valueOf(secret)).doesNotContain(VALUE);
    assertThat("header: " + secret).doesNotContain(VALUE);
  }

  @Test
  void toString_isTheSameForEverySecret() {
    assertThat(Secret.of("a")).hasToString(Secret.of("something else entirely").toString());
  }

  @Test
  void reveal_returnsTheExactValue() {
    String value = "  spaces and ünïcödé \n kept  ";

    assertThat(Secret.of(value).reveal()).isSameAs(value);
  }

  @Test
  void length_isTheNumberOfCharacters() {
    assertThat(Secret.of("abc").length()).isEqualTo(3);
    assertThat(Secret.of(VALUE).length()).isEqualTo(VALUE.length());
  }

  @Test
  void of_rejectsAnEmptyValue() {
    assertThatThrownBy(() -> Secret.of(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty");
  }

  @Test
  void of_acceptsASingleCharacterAndBlanks() {
    assertThat(Secret.of("x").reveal()).isEqualTo("x");
    assertThat(Secret.of(" ").reveal()).isEqualTo(" ");
  }

  @Test
  void fingerprint_isSixteenLowercaseHexDigits() {
    assertThat(Secret.of(VALUE).fingerprint()).hasSize(16).matches("[0-9a-f]{16}");
    assertThat(Secret.of("x").fingerprint()).hasSize(16).matches("[0-9a-f]{16}");
  }

  @Test
  void fingerprint_isTheFirstEightBytesOfTheSha256OfTheUtf8Value() throws Exception {
    String value = "tökén";
    byte[] digest =
        MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));

    assertThat(Secret.of(value).fingerprint())
        .isEqualTo(HexFormat.of().formatHex(digest).substring(0, 16));
  }

  @Test
  void fingerprint_ofTheEmptyStringIsTheKnownSha256Prefix() {
    // SHA-256("") = e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
    assertThat(Secret.fingerprintOf("")).isEqualTo("e3b0c44298fc1c14");
    // SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
    assertThat(Secret.fingerprintOf("abc")).isEqualTo("ba7816bf8f01cfea");
  }

  @Test
  void fingerprint_isStableAcrossInstancesAndCalls() {
    Secret a = Secret.of(VALUE);
    Secret b = Secret.of(new String(VALUE.toCharArray()));

    assertThat(a.fingerprint()).isEqualTo(a.fingerprint()).isEqualTo(b.fingerprint());
    assertThat(a.fingerprint()).isEqualTo(Secret.fingerprintOf(VALUE));
  }

  @Test
  void fingerprint_differsForDifferentValues() {
    assertThat(Secret.of("token-a").fingerprint()).isNotEqualTo(Secret.of("token-b").fingerprint());
  }

  @Test
  void fingerprint_doesNotContainTheValue() {
    assertThat(Secret.of("abc").fingerprint()).doesNotContain("abc");
  }

  @Test
  void equals_isTrueForEqualValues() {
    Secret a = Secret.of(VALUE);
    Secret b = Secret.of(new String(VALUE.toCharArray()));

    assertThat(a).isEqualTo(b);
    assertThat(b).isEqualTo(a);
    assertThat(a).hasSameHashCodeAs(b);
  }

  @Test
  void equals_isReflexive() {
    Secret a = Secret.of(VALUE);
    Object sameReference = a;

    assertThat(a.equals(sameReference)).isTrue();
  }

  @Test
  void equals_isFalseForDifferentValuesOfEveryShape() {
    Secret a = Secret.of("token");

    assertThat(a).isNotEqualTo(Secret.of("Token"));
    assertThat(a).isNotEqualTo(Secret.of("token "));
    assertThat(a).isNotEqualTo(Secret.of("toke"));
    assertThat(a).isNotEqualTo(Secret.of("tokenX"));
  }

  @Test
  void equals_isFalseForOtherTypesIncludingTheRawString() {
    Secret a = Secret.of(VALUE);

    assertThat((Object) a).isNotEqualTo(VALUE);
    assertThat((Object) a).isNotEqualTo(new Object());
    assertThat(a).isNotEqualTo(null);
  }

  @Test
  void hashCode_isDerivedFromTheFingerprintNotTheValue() {
    Secret a = Secret.of(VALUE);

    assertThat(a.hashCode()).isEqualTo(a.fingerprint().hashCode());
  }
}
