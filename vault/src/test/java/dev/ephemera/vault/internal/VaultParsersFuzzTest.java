package dev.ephemera.vault.internal;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ephemera.core.CredentialConfigurationException;
import dev.ephemera.core.CredentialUnavailableException;
import dev.ephemera.core.Environment;
import dev.ephemera.core.Secret;
import dev.ephemera.vault.VaultCredentials;
import io.github.jopenlibs.vault.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Fuzz targets for every parser of Vault's answers and of the Vault settings: each may refuse its
 * input only with its documented typed exception; anything else (another exception, an {@code
 * Error} such as {@code StackOverflowError}) is a finding. A normal build replays the seeds in
 * {@code src/test/resources/.../VaultParsersFuzzTestInputs/}; {@code .ci/fuzz} fuzzes each.
 */
class VaultParsersFuzzTest {
  private static final Secret SENT = Secret.of("s.fuzz-sent-token-0123456789");

  /** A body, optionally nested {@code nesting} deep to reach the depth pre-check. */
  private static String body(FuzzedDataProvider data) {
    int nesting = data.consumeInt(0, 200_000);
    boolean arrays = data.consumeBoolean();
    String body = data.consumeRemainingAsString();
    return nesting == 0
        ? body
        : (arrays ? "[" : "{\"data\":").repeat(nesting)
            + body
            + (arrays ? "]" : "}").repeat(nesting);
  }

  @FuzzTest(maxDuration = "10s")
  void answers_refuseOnlyAsMalformed(FuzzedDataProvider data) {
    Operation op = data.pickValue(Operation.values());
    boolean requireData = data.consumeBoolean();
    String text = body(data);
    JsonObject root;
    try {
      root = VaultJson.root(new Reply(200, text, null), op, "v1/fuzz");
    } catch (CredentialUnavailableException expected) {
      return; // refused, typed
    }
    try {
      VaultJson.auth(root, op, "v1/fuzz");
    } catch (CredentialUnavailableException expected) {
      // no usable auth block
    }
    try {
      VaultJson.lease(root, op, "v1/fuzz", requireData);
    } catch (CredentialUnavailableException expected) {
      // no usable lease
    }
    VaultJson.stringMap(root.get("metadata"));
    Renewals.capWarning(VaultJson.strings(root.get("warnings")), 30, null);
  }

  @FuzzTest(maxDuration = "10s")
  void errorBodies_neverThrow_andNeverQuoteTheToken(FuzzedDataProvider data) {
    int status = data.consumeInt(100, 599);
    boolean withToken = data.consumeBoolean();
    String text = body(data);
    if (withToken) {
      text = text + SENT.reveal();
    }
    JsonDepth.tooDeep(text.getBytes(StandardCharsets.UTF_8));
    String messages = VaultErrors.messages(text, SENT);
    CredentialUnavailableException e =
        VaultErrors.failure(Operation.READ_SECRET, "v1/fuzz", new Reply(status, text, null), SENT);
    if (messages.contains(SENT.reveal())
        || String.valueOf(e.getMessage()).contains(SENT.reveal())) {
      throw new AssertionError("an error message quotes the token sent");
    }
  }

  @FuzzTest(maxDuration = "10s")
  void clientTimeout_refusesOnlyAsConfiguration(FuzzedDataProvider data) {
    String timeout = data.consumeRemainingAsString();
    // an unknown auth method stops build() right after the timeout is read: nothing starts
    Environment env =
        Environment.of(
            Map.of(
                VaultCredentials.VAULT_ADDR, "http://127.0.0.1:8200",
                VaultCredentials.VAULT_CLIENT_TIMEOUT, timeout,
                VaultCredentials.VAULT_AUTH_METHOD, "fuzz"));
    try {
      VaultCredentials.builder().environment(env).build().close();
      throw new AssertionError("built with an unknown auth method");
    } catch (CredentialConfigurationException expected) {
      String setting = expected.setting();
      if (!setting.equals(VaultCredentials.VAULT_CLIENT_TIMEOUT)
          && !setting.equals(VaultCredentials.VAULT_AUTH_METHOD)) {
        throw new AssertionError("refused for another setting: " + setting, expected);
      }
    }
  }
}
