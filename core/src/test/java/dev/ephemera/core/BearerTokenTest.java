package dev.ephemera.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BearerTokenTest {

  private static final String RAW = "eyJhbGciOiJSUzI1NiJ9.payload-part.signature-part";
  private static final Instant ISSUED = Instant.parse("2030-01-01T00:00:00Z");
  private static final Instant EXPIRES = ISSUED.plus(Duration.ofHours(1));

  @Test
  void id_isSha256PrefixPlusTheTokenFingerprint() {
    BearerToken token = BearerToken.of(Secret.of(RAW), ISSUED, EXPIRES);

    assertThat(token.id()).isEqualTo("sha256:" + Secret.of(RAW).fingerprint());
    assertThat(token.id()).matches("sha256:[0-9a-f]{16}");
  }

  @Test
  void id_canBeSuppliedByTheIssuer() {
    BearerToken token =
        BearerToken.builder()
            .token(Secret.of(RAW))
            .id("uti:AbCdEf")
            .issuedAt(ISSUED)
            .expiresAt(EXPIRES)
            .build();

    assertThat(token.id()).isEqualTo("uti:AbCdEf");
  }

  @Test
  void of_keepsTheTimesAndTheTokenAndDefaultsScopeAndAttributesToEmpty() {
    Secret secret = Secret.of(RAW);
    BearerToken token = BearerToken.of(secret, ISSUED, EXPIRES);

    assertThat(token.token()).isSameAs(secret);
    assertThat(token.issuedAt()).isEqualTo(ISSUED);
    assertThat(token.expiresAt()).isEqualTo(EXPIRES);
    assertThat(token.scope()).isEmpty();
    assertThat(token.auditAttributes()).isEmpty();
  }

  @Test
  void builder_keepsScopeAndAuditAttributesInOrder() {
    BearerToken token =
        BearerToken.builder()
            .token(Secret.of(RAW))
            .issuedAt(ISSUED)
            .expiresAt(EXPIRES)
            .scope("read write")
            .auditAttribute("tenant", "t-1")
            .auditAttribute("requestId", "r-9")
            .build();

    assertThat(token.scope()).isEqualTo("read write");
    assertThat(token.auditAttributes())
        .containsOnly(Map.entry("tenant", "t-1"), Map.entry("requestId", "r-9"));
  }

  @Test
  void auditAttributes_areImmutableAndNotAffectedByLaterBuilderCalls() {
    BearerToken.Builder builder =
        BearerToken.builder()
            .token(Secret.of(RAW))
            .issuedAt(ISSUED)
            .expiresAt(EXPIRES)
            .auditAttribute("a", "1");
    BearerToken token = builder.build();
    builder.auditAttribute("b", "2");

    assertThat(token.auditAttributes()).containsOnlyKeys("a");
    assertThatThrownBy(() -> token.auditAttributes().put("c", "3"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void build_rejectsAnExpiryBeforeTheIssueTime() {
    assertThatThrownBy(() -> BearerToken.of(Secret.of(RAW), EXPIRES, ISSUED))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expiresAt")
        .hasMessageContaining("issuedAt")
        .hasMessageNotContaining(RAW);
  }

  @Test
  void build_acceptsAnExpiryEqualToTheIssueTime() {
    BearerToken token = BearerToken.of(Secret.of(RAW), ISSUED, ISSUED);

    assertThat(token.expiresAt()).isEqualTo(token.issuedAt());
  }

  @Test
  void build_namesTheMissingRequiredField() {
    assertThatThrownBy(() -> BearerToken.builder().issuedAt(ISSUED).expiresAt(EXPIRES).build())
        .isInstanceOf(NullPointerException.class)
        .hasMessage("token");
    assertThatThrownBy(() -> BearerToken.builder().token(Secret.of(RAW)).expiresAt(EXPIRES).build())
        .isInstanceOf(NullPointerException.class)
        .hasMessage("issuedAt");
    assertThatThrownBy(() -> BearerToken.builder().token(Secret.of(RAW)).issuedAt(ISSUED).build())
        .isInstanceOf(NullPointerException.class)
        .hasMessage("expiresAt");
  }

  @Test
  void toString_showsIdScopeAndExpiryButNeverTheToken() {
    BearerToken token =
        BearerToken.builder()
            .token(Secret.of(RAW))
            .issuedAt(ISSUED)
            .expiresAt(EXPIRES)
            .scope("api://default")
            .build();

    assertThat(token.toString())
        .contains(token.id())
        .contains("api://default")
        .contains(EXPIRES.toString())
        .doesNotContain(RAW)
        .doesNotContain("payload-part")
        .doesNotContain("signature-part");
  }

  @Test
  void equals_isTrueForTheSameTokenExpiryAndScope() {
    BearerToken a = BearerToken.of(Secret.of(RAW), ISSUED, EXPIRES);
    BearerToken b = BearerToken.of(Secret.of(RAW), ISSUED, EXPIRES);

    assertThat(a).isEqualTo(b);
    assertThat(b).isEqualTo(a);
    assertThat(a).hasSameHashCodeAs(b);
  }

  @Test
  void equals_isFalseWhenTokenExpiryOrScopeDiffers() {
    BearerToken base = BearerToken.of(Secret.of(RAW), ISSUED, EXPIRES);

    assertThat(base).isNotEqualTo(BearerToken.of(Secret.of(RAW + "x"), ISSUED, EXPIRES));
    assertThat(base).isNotEqualTo(BearerToken.of(Secret.of(RAW), ISSUED, EXPIRES.plusSeconds(1)));
    assertThat(base)
        .isNotEqualTo(
            BearerToken.builder()
                .token(Secret.of(RAW))
                .issuedAt(ISSUED)
                .expiresAt(EXPIRES)
                .scope("other")
                .build());
    assertThat(base).isNotEqualTo(null);
    assertThat((Object) base).isNotEqualTo(RAW);
  }

  @Test
  void equals_isFalseWhenOnlyTheIdDiffers() {
    BearerToken fingerprinted = BearerToken.of(Secret.of(RAW), ISSUED, EXPIRES);
    BearerToken withUti =
        BearerToken.builder()
            .token(Secret.of(RAW))
            .id("uti:123")
            .issuedAt(ISSUED)
            .expiresAt(EXPIRES)
            .build();

    assertThat(fingerprinted).isNotEqualTo(withUti);
    assertThat(withUti).isNotEqualTo(fingerprinted);
  }

  @Test
  void hashCode_isEqualForEqualTokensWithACustomId() {
    BearerToken a =
        BearerToken.builder()
            .token(Secret.of(RAW))
            .id("uti:123")
            .issuedAt(ISSUED)
            .expiresAt(EXPIRES)
            .build();
    BearerToken b =
        BearerToken.builder()
            .token(Secret.of(RAW))
            .id("uti:123")
            .issuedAt(ISSUED)
            .expiresAt(EXPIRES)
            .build();

    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
  }

  @Test
  void isACredential() {
    Credential credential = BearerToken.of(Secret.of(RAW), ISSUED, EXPIRES);

    assertThat(credential.id()).startsWith("sha256:");
    assertThat(credential.auditAttributes()).isEmpty();
  }

  @Test
  void builderSetters_rejectNullNamingTheField() {
    BearerToken.Builder builder = BearerToken.builder();

    assertThatThrownBy(() -> builder.id(nullString())).hasMessage("id");
    assertThatThrownBy(() -> builder.scope(nullString())).hasMessage("scope");
    assertThatThrownBy(() -> builder.auditAttribute("key", nullString())).hasMessage("key");
  }

  @SuppressWarnings("NullAway")
  private static String nullString() {
    return null;
  }
}
