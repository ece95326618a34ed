package dev.ephemera.testkit.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ephemera.testkit.emulator.Fault;
import dev.ephemera.testkit.oidc.OidcIssuer;
import dev.ephemera.testkit.oidc.ServiceAccount;
import dev.ephemera.testkit.time.VirtualTime;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The emulator's Transit engine over plain HTTP: ed25519 keys, sign, verify, rotate, the ACL. */
class VaultTransitEmulatorTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ServiceAccount SIGNER = ServiceAccount.of("audit", "signer");
  private static final ServiceAccount OTHER = ServiceAccount.of("payments", "api");
  private static final String MESSAGE =
      Base64.getEncoder().encodeToString("checkpoint 42".getBytes(StandardCharsets.UTF_8));

  private final HttpClient http = HttpClient.newHttpClient();
  private VirtualTime time;
  private OidcIssuer oidc;
  private VaultEmulator vault;

  @BeforeEach
  void start() {
    time = VirtualTime.create();
    oidc = OidcIssuer.start(time.clock());
    vault = VaultEmulator.builder(time.clock()).oidc(oidc).start();
    vault.kubernetesRole(
        VaultRole.builder("signer").boundServiceAccount(SIGNER).policies("audit-signer").build());
    vault.kubernetesRole(
        VaultRole.builder("app").boundServiceAccount(OTHER).policies("db").build());
    vault.transitMount("transit", "audit-signer").transitKey("audit-signing");
  }

  @AfterEach
  void stop() {
    vault.close();
    oidc.close();
  }

  private record Answer(int status, JsonNode body) {}

  private Answer call(String method, String path, String token, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(vault.address() + path))
            .method(
                method,
                body.isEmpty()
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (!token.isEmpty()) {
      b.header("X-Vault-Token", token);
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(
        r.statusCode(), r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body()));
  }

  private String login(String role, ServiceAccount sa) throws Exception {
    String jwt = oidc.mint(sa, "vault", Duration.ofHours(1));
    Answer a =
        call(
            "POST",
            "/v1/auth/kubernetes/login",
            "",
            "{\"role\":\"" + role + "\",\"jwt\":\"" + jwt + "\"}");
    assertThat(a.status()).isEqualTo(200);
    return a.body().path("auth").path("client_token").asText();
  }

  private static String errors(Answer a) {
    return a.body().path("errors").toString();
  }

  private static String signBody(String input) {
    return "{\"input\":\"" + input + "\"}";
  }

  private static String verifyBody(String input, String signature) {
    return "{\"input\":\"" + input + "\",\"signature\":\"" + signature + "\"}";
  }

  private static boolean verifies(PublicKey key, String input, String vaultSignature)
      throws Exception {
    Signature s = Signature.getInstance("Ed25519");
    s.initVerify(key);
    s.update(Base64.getDecoder().decode(input));
    return s.verify(Base64.getDecoder().decode(vaultSignature.split(":", 3)[2]));
  }

  @Test
  void sign_thenVerify_isValid_andATamperedInputIsNot() throws Exception {
    String token = login("signer", SIGNER);

    Answer signed = call("POST", "/v1/transit/sign/audit-signing", token, signBody(MESSAGE));
    assertThat(signed.status()).isEqualTo(200);
    String signature = signed.body().path("data").path("signature").asText();
    assertThat(signature).startsWith("vault:v1:");
    assertThat(signed.body().path("data").path("key_version").asInt()).isEqualTo(1);
    assertThat(verifies(vault.transitPublicKey("audit-signing"), MESSAGE, signature)).isTrue();

    Answer valid =
        call("POST", "/v1/transit/verify/audit-signing", token, verifyBody(MESSAGE, signature));
    assertThat(valid.status()).isEqualTo(200);
    assertThat(valid.body().path("data").path("valid").asBoolean()).isTrue();

    String tampered =
        Base64.getEncoder().encodeToString("checkpoint 43".getBytes(StandardCharsets.UTF_8));
    Answer invalid =
        call("POST", "/v1/transit/verify/audit-signing", token, verifyBody(tampered, signature));
    assertThat(invalid.status()).isEqualTo(200);
    assertThat(invalid.body().path("data").path("valid").asBoolean()).isFalse();
  }

  @Test
  void readKey_givesTheRaw32BytePublicKeyOfEachVersion_asVaultDoes() throws Exception {
    String token = login("signer", SIGNER);

    Answer read = call("GET", "/v1/transit/keys/audit-signing", token, "");
    assertThat(read.status()).isEqualTo(200);
    JsonNode data = read.body().path("data");
    assertThat(data.path("type").asText()).isEqualTo("ed25519");
    assertThat(data.path("name").asText()).isEqualTo("audit-signing");
    assertThat(data.path("latest_version").asInt()).isEqualTo(1);
    assertThat(data.path("supports_signing").asBoolean()).isTrue();
    JsonNode v1 = data.path("keys").path("1");
    assertThat(v1.path("creation_time").asText()).isNotEmpty();
    byte[] raw = Base64.getDecoder().decode(v1.path("public_key").asText());
    byte[] x509 = vault.transitPublicKey("audit-signing").getEncoded();
    assertThat(raw).hasSize(32).isEqualTo(Arrays.copyOfRange(x509, x509.length - 32, x509.length));
  }

  @Test
  void createOverHttp_thenRotate_signsWithTheNewVersion_andOldSignaturesStillVerify()
      throws Exception {
    String token = login("signer", SIGNER);
    Answer created =
        call("POST", "/v1/transit/keys/release-signing", token, "{\"type\":\"ed25519\"}");
    assertThat(created.status()).isEqualTo(200);
    assertThat(created.body().path("data").path("latest_version").asInt()).isEqualTo(1);
    String v1 =
        call("POST", "/v1/transit/sign/release-signing", token, signBody(MESSAGE))
            .body()
            .path("data")
            .path("signature")
            .asText();

    Answer rotated = call("POST", "/v1/transit/keys/release-signing/rotate", token, "");
    assertThat(rotated.status()).isEqualTo(200);
    assertThat(rotated.body().path("data").path("latest_version").asInt()).isEqualTo(2);
    assertThat(rotated.body().path("data").path("keys").has("1")).isTrue();
    Answer signed = call("POST", "/v1/transit/sign/release-signing", token, signBody(MESSAGE));
    String v2 = signed.body().path("data").path("signature").asText();
    assertThat(v2).startsWith("vault:v2:");
    assertThat(verifies(vault.transitPublicKey("transit", "release-signing", 2), MESSAGE, v2))
        .isTrue();
    assertThat(verifies(vault.transitPublicKey("transit", "release-signing", 1), MESSAGE, v2))
        .isFalse();
    for (String sig : new String[] {v1, v2}) {
      Answer ok =
          call("POST", "/v1/transit/verify/release-signing", token, verifyBody(MESSAGE, sig));
      assertThat(ok.body().path("data").path("valid").asBoolean()).isTrue();
    }

    Answer pinned =
        call(
            "POST",
            "/v1/transit/sign/release-signing",
            token,
            "{\"input\":\"" + MESSAGE + "\",\"key_version\":1}");
    assertThat(pinned.body().path("data").path("signature").asText()).startsWith("vault:v1:");
    Answer tooNew =
        call(
            "POST",
            "/v1/transit/sign/release-signing",
            token,
            "{\"input\":\"" + MESSAGE + "\",\"key_version\":3}");
    assertThat(tooNew.status()).isEqualTo(400);
    assertThat(errors(tooNew))
        .contains("requested version for signing is higher than the latest key version");
  }

  @Test
  void tokensWithoutAMountPolicy_orWithoutAToken_arePermissionDenied() throws Exception {
    String other = login("app", OTHER);
    for (Answer a :
        new Answer[] {
          call("GET", "/v1/transit/keys/audit-signing", other, ""),
          call("POST", "/v1/transit/sign/audit-signing", other, signBody(MESSAGE)),
          call("POST", "/v1/transit/keys/new-key", other, "{\"type\":\"ed25519\"}"),
          call("POST", "/v1/transit/sign/audit-signing", "", signBody(MESSAGE)),
          call("POST", "/v1/transit/sign/audit-signing", "hvs.not-a-token", signBody(MESSAGE))
        }) {
      assertThat(a.status()).isEqualTo(403);
      assertThat(errors(a)).isEqualTo("[\"permission denied\"]");
    }
    String token = login("signer", SIGNER);
    vault.revokeToken(vault.accessorOf(token).orElseThrow());
    assertThat(call("POST", "/v1/transit/sign/audit-signing", token, signBody(MESSAGE)).status())
        .isEqualTo(403);
  }

  @Test
  void missingKeys_badInputs_andWrongMethods_answerInVaultsErrorShape() throws Exception {
    String token = login("signer", SIGNER);

    Answer noKey = call("GET", "/v1/transit/keys/nope", token, "");
    assertThat(noKey.status()).isEqualTo(404);
    assertThat(errors(noKey)).isEqualTo("[]");
    Answer signNoKey = call("POST", "/v1/transit/sign/nope", token, signBody(MESSAGE));
    assertThat(signNoKey.status()).isEqualTo(400);
    assertThat(errors(signNoKey)).contains("encryption key not found");
    Answer rotateNoKey = call("POST", "/v1/transit/keys/nope/rotate", token, "");
    assertThat(rotateNoKey.status()).isEqualTo(400);
    assertThat(errors(rotateNoKey)).contains("key not found");
    Answer badInput = call("POST", "/v1/transit/sign/audit-signing", token, signBody("%%%"));
    assertThat(badInput.status()).isEqualTo(400);
    assertThat(errors(badInput)).contains("unable to decode input as base64");
    Answer noSignature = call("POST", "/v1/transit/verify/audit-signing", token, signBody(MESSAGE));
    assertThat(errors(noSignature)).contains("neither a 'signature' nor an 'hmac'");
    Answer badPrefix =
        call("POST", "/v1/transit/verify/audit-signing", token, verifyBody(MESSAGE, "abc"));
    assertThat(badPrefix.status()).isEqualTo(400);
    assertThat(errors(badPrefix)).contains("invalid signature prefix");
    Answer aes = call("POST", "/v1/transit/keys/aes", token, "");
    assertThat(aes.status()).isEqualTo(400);
    assertThat(call("GET", "/v1/transit/sign/audit-signing", token, "").status()).isEqualTo(405);
    assertThat(call("GET", "/v1/transit/export/audit-signing", token, "").status()).isEqualTo(404);
  }

  @Test
  void transitCalls_goThroughTheFaultPlanAndTheJournal_likeEveryEndpoint() throws Exception {
    String token = login("signer", SIGNER);
    vault.faults().next(Fault.status(503));

    Answer sealed = call("POST", "/v1/transit/sign/audit-signing", token, signBody(MESSAGE));
    assertThat(sealed.status()).isEqualTo(503);
    assertThat(errors(sealed)).contains("Vault is sealed");
    assertThat(call("POST", "/v1/transit/sign/audit-signing", token, signBody(MESSAGE)).status())
        .isEqualTo(200);
    assertThat(vault.journal().count("POST", "/v1/transit/sign/audit-signing")).isEqualTo(2);

    vault.seal();
    assertThat(call("GET", "/v1/transit/keys/audit-signing", token, "").status()).isEqualTo(503);
  }

  @Test
  void javaSideHelpers_checkTheirArguments() {
    assertThatThrownBy(() -> vault.transitKey("audit-signing"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("already exists");
    assertThatThrownBy(() -> vault.transitKey("a/b")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> vault.transitPublicKey("nope"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> vault.transitPublicKey("transit", "audit-signing", 2))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(vault.rotateTransitKey("transit", "audit-signing")).isEqualTo(2);
    assertThat(vault.transitPublicKey("audit-signing"))
        .isEqualTo(vault.transitPublicKey("transit", "audit-signing", 2));
  }
}
