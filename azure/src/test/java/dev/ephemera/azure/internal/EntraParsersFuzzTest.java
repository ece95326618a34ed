package dev.ephemera.azure.internal;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.microsoft.aad.msal4j.MsalServiceException;
import dev.ephemera.core.Secret;
import dev.ephemera.core.spi.ProjectedToken;
import dev.ephemera.core.spi.http.WireRecorder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Fuzz targets for every parser of upstream input in the Azure module: Entra's token answers as
 * {@link MsalHttpBridge} reads their {@code expires_in} and {@code refresh_in} ({@link
 * JsonObjects}), Entra's error bodies ({@link EntraFailures}) and the access token's claims ({@link
 * AccessTokenClaims}). None of them may throw: each reads what it can and leaves the rest; any
 * exception or {@code Error} (such as {@code StackOverflowError}) is a finding. A normal build
 * replays the seeds in {@code src/test/resources/.../EntraParsersFuzzTestInputs/}; {@code .ci/fuzz}
 * fuzzes each.
 */
class EntraParsersFuzzTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
  private static final String JWT =
      "eyJhbGciOiJSUzI1NiJ9."
          + b64("{\"sub\":\"system:serviceaccount:fuzz:app\",\"exp\":1900000000}")
          + ".c2ln";
  private static final ProjectedToken ASSERTION =
      ProjectedToken.parse(Secret.of(JWT), "AZURE_FEDERATED_TOKEN_FILE");
  private static final int[] STATUSES = {0, 200, 400, 401, 403, 404, 429, 500, 503};
  private static final EntraFailures FAILURES =
      new EntraFailures(
          new WorkloadIdentitySettings(
              "00000000-0000-0000-0000-000000000001",
              "AZURE_CLIENT_ID",
              "00000000-0000-0000-0000-000000000002",
              "AZURE_TENANT_ID",
              Path.of("/var/run/secrets/azure/tokens/azure-identity-token"),
              "AZURE_FEDERATED_TOKEN_FILE",
              URI.create("https://login.microsoftonline.com/"),
              "AZURE_AUTHORITY_HOST",
              false),
          "https://vault.azure.net/.default",
          CLOCK);

  /** A body, optionally nested {@code nesting} deep inside a member. */
  private static String body(FuzzedDataProvider data) {
    int nesting = data.consumeInt(0, 200_000);
    boolean arrays = data.consumeBoolean();
    String body = data.consumeRemainingAsString();
    return nesting == 0
        ? body
        : "{\"expires_in\":3599,\"x\":"
            + (arrays ? "[" : "{\"a\":").repeat(nesting)
            + body
            + (arrays ? "]" : "}").repeat(nesting)
            + "}";
  }

  @FuzzTest(maxDuration = "10s")
  void tokenAnswers_neverThrow(FuzzedDataProvider data) {
    Map<String, Object> json = JsonObjects.parse(body(data));
    if (json != null) {
      // what MsalHttpBridge keeps of a token answer
      JsonObjects.whole(json, "expires_in");
      JsonObjects.whole(json, "refresh_in");
      JsonObjects.string(json, "access_token");
      JsonObjects.wholes(json, "error_codes");
    }
  }

  @FuzzTest(maxDuration = "10s")
  void errorBodies_classifyWithoutThrowing(FuzzedDataProvider data) {
    int status = data.pickValue(STATUSES);
    boolean withAssertion = data.consumeBoolean();
    String code = data.consumeString(64);
    String body = body(data) + (withAssertion ? JWT : "");
    WireRecorder recorder = new WireRecorder();
    try (WireRecorder.Exchange wire = recorder.open()) {
      if (status > 0) {
        recorder.begin(URI.create("https://login.microsoftonline.com/t/oauth2/v2.0/token"));
        recorder.responded(
            status, Map.of("Retry-After", List.of(code)), status >= 400 ? body : null);
      }
      String m =
          String.valueOf(
              FAILURES
                  .classify(new MsalServiceException(body, code), wire, ASSERTION)
                  .getMessage());
      if (m.contains(JWT)) {
        throw new AssertionError("the error quotes the client assertion");
      }
    }
  }

  @FuzzTest(maxDuration = "10s")
  void accessTokenClaims_neverThrow(FuzzedDataProvider data) {
    boolean wrap = data.consumeBoolean();
    String payload = data.consumeRemainingAsString();
    String token = wrap ? "eyJhbGciOiJSUzI1NiJ9." + b64(payload) + ".c2ln" : payload;
    if (token.isEmpty()) {
      return; // no Secret is empty
    }
    AccessTokenClaims.of(Secret.of(token));
  }

  private static String b64(String s) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
