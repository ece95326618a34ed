package dev.ephemera.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.ephemera.core.CredentialException;
import dev.ephemera.core.CredentialUnavailableException;
import dev.ephemera.core.CredentialUnavailableException.Reason;
import dev.ephemera.core.Secret;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import org.junit.jupiter.api.Test;

class ErrorTextTest {

  private static final String JWT =
      "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0"
          + ".eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6bnM6YXBwIn0"
          + ".c2lnbmF0dXJlLWJ5dGVzLWhlcmU";
  private static final String AWS_SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

  // ---- null, empty, plain text ----

  @Test
  void sanitize_turnsNullAndEmptyIntoEmpty() {
    assertThat(ErrorText.sanitize(null)).isEmpty();
    assertThat(ErrorText.sanitize("")).isEmpty();
  }

  @Test
  void sanitize_leavesOrdinaryErrorTextAlone() {
    String text = "Not authorized to perform sts:AssumeRoleWithWebIdentity (status 403)";

    assertThat(ErrorText.sanitize(text)).isEqualTo(text);
  }

  // ---- JWTs and bearer tokens ----

  @Test
  void sanitize_redactsAJwt() {
    String out = ErrorText.sanitize("the token " + JWT + " was rejected");

    assertThat(out).isEqualTo("the token [jwt redacted] was rejected").doesNotContain("eyJ");
  }

  @Test
  void sanitize_redactsAJwtWithAnEmptySignature() {
    String unsigned = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.";

    assertThat(ErrorText.sanitize("got " + unsigned + " end")).isEqualTo("got [jwt redacted] end");
  }

  @Test
  void sanitize_redactsEveryJwtInTheText() {
    String out = ErrorText.sanitize(JWT + " and " + JWT);

    assertThat(out).isEqualTo("[jwt redacted] and [jwt redacted]");
  }

  @Test
  void sanitize_redactsABearerToken() {
    String out = ErrorText.sanitize("sent Authorization: Bearer abc123xyz, got 401");

    assertThat(out).doesNotContain("abc123xyz").contains("Bearer [redacted]").endsWith("got 401");
  }

  @Test
  void sanitize_redactsABearerTokenWhateverItsCase() {
    assertThat(ErrorText.sanitize("BEARER opaque.tok-en_1")).doesNotContain("opaque.tok-en_1");
    assertThat(ErrorText.sanitize("bearer\topaque1")).doesNotContain("opaque1");
  }

  @Test
  void sanitize_redactsABearerTokenInsideQuotes() {
    String out = ErrorText.sanitize("{\"header\":\"Bearer s.abcdef\"}");

    assertThat(out).doesNotContain("s.abcdef");
  }

  // ---- JSON, form and XML secret fields ----

  @Test
  void sanitize_redactsJsonSecretFields() {
    String body =
        "{\"access_token\":\"at-1\",\"refresh_token\":\"rt-2\",\"id_token\":\"it-3\","
            + "\"client_secret\":\"cs-4\",\"password\":\"pw-5\",\"expires_in\":3600}";

    String out = ErrorText.sanitize(body);

    assertThat(out).doesNotContain("at-1", "rt-2", "it-3", "cs-4", "pw-5");
    assertThat(out).contains("\"access_token\":[redacted]", "\"expires_in\":3600");
  }

  @Test
  void sanitize_redactsJsonSecretFieldsWithSpacesAndAnyCase() {
    String body =
        "{ \"SecretAccessKey\" : \"sak-1\", \"SessionToken\": \"st-2\", \"Token\" :\"t-3\" }";

    assertThat(ErrorText.sanitize(body)).doesNotContain("sak-1", "st-2", "t-3");
  }

  @Test
  void sanitize_redactsUnquotedJsonValues() {
    assertThat(ErrorText.sanitize("{\"api_key\":12345678}")).doesNotContain("12345678");
  }

  @Test
  void sanitize_redactsFormEncodedSecretFields() {
    String form =
        "grant_type=client_credentials&client_assertion=aaa.bbb.ccc&client_secret=zzz"
            + "&subject_token=sss&scope=openid";

    String out = ErrorText.sanitize(form);

    assertThat(out).doesNotContain("aaa.bbb.ccc", "zzz", "sss");
    assertThat(out).contains("grant_type=client_credentials", "scope=openid");
  }

  @Test
  void sanitize_redactsApiKeysAndPrivateKeysAndCredentials() {
    assertThat(ErrorText.sanitize("api-key=k1 apikey: k2 private_key=k3 credential=k4"))
        .doesNotContain("k1", "k2", "k3", "k4");
  }

  @Test
  void sanitize_redactsXmlSecretElements() {
    String xml =
        "<Credentials><AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>"
            + "<SecretAccessKey>sak</SecretAccessKey><SessionToken>st</SessionToken>"
            + "<Token>t</Token><WebIdentityToken>wit</WebIdentityToken></Credentials>";

    String out = ErrorText.sanitize(xml);

    assertThat(out)
        .contains("<SecretAccessKey>[redacted]</SecretAccessKey>")
        .contains("<SessionToken>[redacted]</SessionToken>")
        .contains("<Token>[redacted]</Token>")
        .contains("<WebIdentityToken>[redacted]</WebIdentityToken>")
        .contains("<AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>");
  }

  @Test
  void sanitize_keepsTheReadablePartsOfAnStsErrorDocument() {
    String xml =
        "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidIdentityToken</Code>"
            + "<Message>Couldn't retrieve verification key from your identity provider</Message>"
            + "</Error><RequestId>6f6ad8a1-2b3c-4d5e-8f90-123456789abc</RequestId></ErrorResponse>";

    String out = ErrorText.sanitize(xml);

    assertThat(out)
        .contains("InvalidIdentityToken")
        .contains("Couldn't retrieve verification key from your identity provider")
        .contains("6f6ad8a1-2b3c-4d5e-8f90-123456789abc");
  }

  // ---- long runs, known secrets ----

  @Test
  void sanitize_redactsLongBase64Runs() {
    String out = ErrorText.sanitize("secret key " + AWS_SECRET_KEY + " is wrong");

    assertThat(out).isEqualTo("secret key [redacted] is wrong");
  }

  @Test
  void sanitize_redactsALongRandomRunOfAnyBase64Alphabet() {
    byte[] bytes = new byte[48];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) (i * 37 + 11);
    }
    String standard = Base64.getEncoder().encodeToString(bytes);
    String url = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);

    assertThat(ErrorText.sanitize("x " + standard + " y")).isEqualTo("x [redacted] y");
    assertThat(ErrorText.sanitize("x " + url + " y")).isEqualTo("x [redacted] y");
  }

  @Test
  void sanitize_keepsRunsShorterThanForty() {
    String run39 = "a".repeat(39);

    assertThat(ErrorText.sanitize(run39)).isEqualTo(run39);
    assertThat(ErrorText.sanitize(run39 + "a")).isEqualTo("[redacted]");
  }

  @Test
  void sanitize_redactsKnownSecretsEvenWhenShort() {
    String out =
        ErrorText.sanitize(
            "login failed for password hunter2 with id s.x1",
            Secret.of("hunter2"),
            Secret.of("s.x1"));

    assertThat(out).doesNotContain("hunter2").doesNotContain("s.x1").contains("[redacted]");
  }

  @Test
  void sanitize_treatsKnownSecretsLiterallyNotAsPatterns() {
    String out = ErrorText.sanitize("value a.b and a+b and axb", Secret.of("a.b"));

    assertThat(out).isEqualTo("value [redacted] and a+b and axb");
  }

  // ---- identifiers that must stay readable ----

  @Test
  void sanitize_keepsAwsAccessKeyIds() {
    assertThat(ErrorText.sanitize("The security token for ASIAIOSFODNN7EXAMPLE expired"))
        .contains("ASIAIOSFODNN7EXAMPLE");
    assertThat(ErrorText.sanitize("key AKIAIOSFODNN7EXAMPLE")).contains("AKIAIOSFODNN7EXAMPLE");
  }

  @Test
  void sanitize_keepsRoleArns() {
    String arn = "arn:aws:iam::123456789012:role/ephemera-demo";
    String text = "Not authorized to assume " + arn;

    assertThat(ErrorText.sanitize(text)).isEqualTo(text);
  }

  @Test
  void sanitize_keepsAssumedRoleArnsWithSessionNames() {
    String arn =
        "arn:aws:sts::123456789012:assumed-role/ephemera-orders-service/ephemera-1700000000000";
    String text = "User: " + arn + " is not authorized to perform: s3:GetObject";

    assertThat(ErrorText.sanitize(text)).isEqualTo(text);
  }

  @Test
  void sanitize_keepsSeveralArnsInOneMessage() {
    String text =
        "arn:aws:iam::123456789012:role/service-role/ephemera-orders-service-role-abcdef"
            + " may not assume arn:aws:iam::210987654321:role/cross-account/ephemera-target-role";

    assertThat(ErrorText.sanitize(text)).isEqualTo(text);
  }

  @Test
  void sanitize_stillRedactsLongRunsAroundAnArn() {
    String text = AWS_SECRET_KEY + " arn:aws:iam::123456789012:role/app " + AWS_SECRET_KEY;

    assertThat(ErrorText.sanitize(text))
        .isEqualTo("[redacted] arn:aws:iam::123456789012:role/app [redacted]");
  }

  @Test
  void sanitize_redactsAJwtEvenInsideAnArnLikeRun() {
    String text = "arn:aws:iam::123456789012:role/" + JWT;

    assertThat(ErrorText.sanitize(text)).doesNotContain(JWT.substring(0, 30));
  }

  @Test
  void sanitize_redactsASecretGluedToAnArn() {
    String text = "denied for arn:aws:iam::123456789012:role/app," + AWS_SECRET_KEY;

    assertThat(ErrorText.sanitize(text)).doesNotContain(AWS_SECRET_KEY);
  }

  @Test
  void sanitize_keepsUrlPaths_butNotSecretsThatContainSlashes() {
    String url =
        "http://127.0.0.1:44437/computeMetadata/v1/instance/service-accounts/default/token";
    assertThat(ErrorText.sanitize("GET " + url + " failed")).isEqualTo("GET " + url + " failed");
    assertThat(ErrorText.sanitize("key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY leaked"))
        .isEqualTo("key [redacted] leaked");
  }

  @Test
  void sanitize_keepsUuids() {
    String text = "request 123e4567-e89b-12d3-a456-426614174000 failed";

    assertThat(ErrorText.sanitize(text)).isEqualTo(text);
  }

  @Test
  void sanitize_keepsHostNamesAndServiceAccountNames() {
    String text = "system:serviceaccount:payments:api could not reach sts.us-east-1.amazonaws.com";

    assertThat(ErrorText.sanitize(text)).isEqualTo(text);
  }

  // ---- control characters and truncation ----

  @Test
  void sanitize_foldsControlCharactersAndWhitespaceRunsIntoOneSpace() {
    String out = ErrorText.sanitize("line one\r\nline\ttwo\u0000\u0007three  \n\n four");

    assertThat(out).isEqualTo("line one line two three four");
  }

  @Test
  void sanitize_stripsLeadingAndTrailingBlanks() {
    assertThat(ErrorText.sanitize("\n\t  error  \r\n")).isEqualTo("error");
  }

  @Test
  void sanitize_withOnlyControlCharactersIsEmpty() {
    assertThat(ErrorText.sanitize("\n\r\t\u0001")).isEmpty();
  }

  @Test
  void sanitize_cannotForgeANewLogLine() {
    String out = ErrorText.sanitize("bad\nINFO fake log line\rmore");

    assertThat(out).doesNotContain("\n").doesNotContain("\r");
  }

  @Test
  void sanitize_keepsTextOfExactlyMaxLength() {
    String text = "ab ".repeat(100);
    String exact = text.substring(0, ErrorText.MAX_LENGTH - 1) + "z";

    assertThat(exact).hasSize(ErrorText.MAX_LENGTH);
    assertThat(ErrorText.sanitize(exact)).isEqualTo(exact);
  }

  @Test
  void sanitize_truncatesLongTextToMaxLengthPlusAnEllipsis() {
    String text = "word ".repeat(1000);

    String out = ErrorText.sanitize(text);

    assertThat(ErrorText.MAX_LENGTH).isEqualTo(300);
    assertThat(out).hasSize(ErrorText.MAX_LENGTH + 1).endsWith("…");
    assertThat(out.substring(0, ErrorText.MAX_LENGTH)).isEqualTo(text.substring(0, 300));
  }

  @Test
  void sanitize_scrubsBeforeTruncatingSoACutSecretNeverSurvives() {
    String text = "x ".repeat(140) + AWS_SECRET_KEY + " trailing words";

    String out = ErrorText.sanitize(text);

    assertThat(out).doesNotContain(AWS_SECRET_KEY.substring(0, 19)).contains("[redacted]");
  }

  @Test
  void sanitize_neverSplitsASurrogatePair() {
    String text = "a ".repeat(149) + "b" + "\uD83D\uDE00" + " tail";

    String out = ErrorText.sanitize(text);

    String kept = out.substring(0, out.length() - 1);
    assertThat(Character.isHighSurrogate(kept.charAt(kept.length() - 1))).isFalse();
  }

  // ---- describe and scrub ----

  @Test
  void describe_isSimpleClassNameAndSanitizedMessage() {
    String out = ErrorText.describe(new IOException("token " + JWT + "\nrejected"));

    assertThat(out).isEqualTo("IOException: token [jwt redacted] rejected");
  }

  @Test
  void describe_isJustTheClassNameWithoutAMessage() {
    assertThat(ErrorText.describe(new IllegalStateException())).isEqualTo("IllegalStateException");
    assertThat(ErrorText.describe(new IllegalStateException(" \n ")))
        .isEqualTo("IllegalStateException");
  }

  @Test
  void scrub_returnsOurOwnExceptionsAsTheyAre() {
    CredentialUnavailableException own =
        new CredentialUnavailableException(Reason.UNAVAILABLE, "503");

    assertThat(ErrorText.scrub(own)).isSameAs(own);
  }

  @Test
  void scrub_copiesAForeignExceptionWithASanitizedMessageAndItsStackTrace() {
    IOException original = new IOException("Bearer abcdef rejected");

    CredentialException copy = ErrorText.scrub(original);

    assertThat(copy).isExactlyInstanceOf(CredentialException.class);
    assertThat(copy).hasMessage("IOException: Bearer [redacted] rejected").hasNoCause();
    assertThat(copy.getStackTrace()).isEqualTo(original.getStackTrace()).isNotEmpty();
  }

  @Test
  void scrub_sanitizesTheWholeCauseChain() {
    IllegalStateException root = new IllegalStateException("client_secret=topsecret");
    IOException middle = new IOException("wrapped " + JWT, root);
    UncheckedIOException top = new UncheckedIOException("outer " + AWS_SECRET_KEY, middle);

    CredentialException copy = ErrorText.scrub(top);

    assertThat(copy.getMessage())
        .startsWith("UncheckedIOException: outer")
        .doesNotContain(AWS_SECRET_KEY);
    Throwable second = Objects.requireNonNull(copy.getCause());
    assertThat(second).isExactlyInstanceOf(CredentialException.class);
    assertThat(second).hasMessage("IOException: wrapped [jwt redacted]");
    assertThat(second.getStackTrace()).isEqualTo(middle.getStackTrace());
    Throwable third = Objects.requireNonNull(second.getCause());
    assertThat(third).isExactlyInstanceOf(CredentialException.class);
    assertThat(third.getMessage())
        .startsWith("IllegalStateException: ")
        .doesNotContain("topsecret");
    assertThat(third.getStackTrace()).isEqualTo(root.getStackTrace());
    assertThat(third).hasNoCause();
  }

  @Test
  void scrub_keepsOurOwnExceptionFoundInsideTheChain() {
    CredentialUnavailableException own =
        new CredentialUnavailableException(Reason.REJECTED, "access denied");
    RuntimeException wrapper = new RuntimeException("call failed", own);

    CredentialException copy = ErrorText.scrub(wrapper);

    assertThat(copy).hasMessage("RuntimeException: call failed");
    assertThat(copy.getCause()).isSameAs(own);
  }

  @Test
  void scrub_neverLeaksAnyMessageOfTheChainWhenPrinted() {
    IOException root = new IOException("password=p4ssw0rd");
    RuntimeException top = new RuntimeException("token: " + JWT, root);

    java.io.StringWriter trace = new java.io.StringWriter();
    ErrorText.scrub(top).printStackTrace(new java.io.PrintWriter(trace));

    assertThat(trace.toString()).doesNotContain("p4ssw0rd").doesNotContain(JWT.substring(0, 20));
  }

  @Test
  void scrub_survivesACircularCauseChain() {
    IOException a = new IOException("a");
    IllegalStateException b = new IllegalStateException("b");
    a.initCause(b);
    b.initCause(a);

    assertThatCode(() -> ErrorText.scrub(a)).doesNotThrowAnyException();
  }

  @Test
  void scrub_boundsAVeryLongCauseChainWithoutOverflowingTheStack() {
    Throwable chain = new IllegalStateException("root");
    for (int i = 0; i < 5_000; i++) {
      chain = new RuntimeException("level " + i, chain);
    }
    Throwable deep = chain;

    CredentialException copy = ErrorText.scrub(deep);

    int length = 0;
    for (Throwable t = copy; t != null; t = t.getCause()) {
      assertThat(t).isExactlyInstanceOf(CredentialException.class);
      length++;
    }
    assertThat(length).isBetween(1, 64);
    assertThat(copy).hasMessage("RuntimeException: level 4999");
  }

  @Test
  void scrub_ofACircularChain_keepsEachExceptionOnce() {
    IOException a = new IOException("a");
    IllegalStateException b = new IllegalStateException("b");
    a.initCause(b);
    b.initCause(a);

    CredentialException copy = ErrorText.scrub(a);

    assertThat(copy).hasMessage("IOException: a");
    Throwable second = Objects.requireNonNull(copy.getCause());
    assertThat(second).hasMessage("IllegalStateException: b").hasNoCause();
  }

  @Test
  void sanitize_outputIsPlainUtf8Safe() {
    String out = ErrorText.sanitize("naïve café – ok");

    assertThat(new String(out.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))
        .isEqualTo("naïve café – ok");
  }
}
