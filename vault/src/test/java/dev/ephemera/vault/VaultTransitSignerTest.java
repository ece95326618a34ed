package dev.ephemera.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ephemera.core.CredentialConfigurationException;
import dev.ephemera.core.CredentialUnavailableException;
import dev.ephemera.core.CredentialUnavailableException.Reason;
import dev.ephemera.core.audit.chain.ChainFormat;
import dev.ephemera.core.audit.chain.CheckpointSigner;
import dev.ephemera.testkit.emulator.Fault;
import dev.ephemera.testkit.time.VirtualTime;
import dev.ephemera.testkit.vault.VaultRole;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link VaultTransitSigner} against the emulator's Transit engine over real HTTP: signatures the
 * JDK verifies with Vault's public key, typed errors for a wrong key or a token without the policy,
 * every emulator fault a {@link GeneralSecurityException}, and key rotation.
 */
class VaultTransitSignerTest {
  private static final String KEY = "audit-signing";
  private static final String SIGN_PATH = "/v1/transit/sign/" + KEY;
  private static final byte[] MESSAGE =
      ChainFormat.checkpointMessage(
          "pod-a", "epoch-1", 41, "ab".repeat(32), Instant.parse("2026-12-01T00:00:00Z"));

  private Testbed bed;
  private VaultCredentials vault;

  @BeforeEach
  void start(@TempDir Path dir) {
    bed =
        new Testbed(
            VirtualTime.create(),
            dir,
            VaultRole.builder(Testbed.ROLE)
                .boundServiceAccount(Testbed.SA)
                .ttl(Duration.ofHours(1))
                .maxTtl(Duration.ofHours(24))
                .policies("audit-signer")
                .build());
    bed.vault.kubernetesRole(
        VaultRole.builder("no-signer")
            .boundServiceAccount(Testbed.SA)
            .ttl(Duration.ofHours(1))
            .maxTtl(Duration.ofHours(24))
            .policies("db")
            .build());
    bed.vault.transitMount("transit", "audit-signer").transitKey(KEY);
    vault = bed.credentials().build();
  }

  @AfterEach
  void stop() {
    vault.close();
    bed.close();
  }

  private static boolean verifies(PublicKey key, byte[] message, byte[] signature)
      throws GeneralSecurityException {
    Signature s = Signature.getInstance("Ed25519");
    s.initVerify(key);
    s.update(message);
    return s.verify(signature);
  }

  private String token() {
    return vault.tokens().get().token().reveal();
  }

  @Test
  void sign_returnsA64ByteSignature_thatTheJdkVerifiesWithTheEmulatorsPublicKey() throws Exception {
    VaultTransitSigner signer = vault.transitSigner(KEY);

    byte[] signature = signer.sign(MESSAGE);

    PublicKey vaults = bed.vault.transitPublicKey(KEY);
    assertThat(signature).hasSize(64);
    assertThat(verifies(vaults, MESSAGE, signature)).isTrue();
    assertThat(signer.algorithm()).isEqualTo(CheckpointSigner.ED25519);
    assertThat(signer.keyId()).isEqualTo(ChainFormat.keyId(vaults)).startsWith("sha256:");
    assertThat(signer.publicKey().getEncoded()).isEqualTo(vaults.getEncoded());
    assertThat(signer.publicKey().getAlgorithm()).isIn("Ed25519", "EdDSA");
    assertThat(signer.keyVersion()).isEqualTo(1);
    assertThat(signer.mount()).isEqualTo("transit");
    assertThat(signer.keyName()).isEqualTo(KEY);
    assertThat(signer.toString()).contains("transit/keys/audit-signing", "v1", signer.keyId());
    assertThat(bed.calls("/v1/transit/keys/" + KEY)).isEqualTo(1);
    assertThat(bed.calls(SIGN_PATH)).isEqualTo(1);
    assertThat(bed.vault.journal().entries())
        .filteredOn(e -> e.request().path().equals(SIGN_PATH))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.request().header("x-vault-token")).contains(token());
              assertThat(e.request().body())
                  .contains(Base64.getEncoder().encodeToString(MESSAGE), "\"key_version\":1");
            });
  }

  @Test
  void keyId_isReadOnce_everySignIsOneRequest() throws Exception {
    VaultTransitSigner signer = vault.transitSigner(KEY);
    for (int i = 0; i < 3; i++) {
      assertThat(signer.keyId()).isEqualTo(ChainFormat.keyId(bed.vault.transitPublicKey(KEY)));
      assertThat(verifies(signer.publicKey(), MESSAGE, signer.sign(MESSAGE))).isTrue();
    }
    assertThat(bed.calls("/v1/transit/keys/" + KEY)).isEqualTo(1);
    assertThat(bed.calls(SIGN_PATH)).isEqualTo(3);
  }

  @Test
  void wrongKeyName_isATypedConfigurationError_namingTheKey() {
    assertThatThrownBy(() -> vault.transitSigner("no-such-key"))
        .isInstanceOfSatisfying(
            CredentialUnavailableException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.CONFIGURATION);
              assertThat(e.isTerminal()).isTrue();
              assertThat(e.getMessage()).contains("transit/keys/no-such-key", "HTTP 404");
            });
    assertThatThrownBy(() -> vault.transitSigner("elsewhere", KEY))
        .isInstanceOfSatisfying(
            CredentialUnavailableException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.CONFIGURATION));
  }

  @Test
  void tokenWithoutThePolicy_isRejected_namingPermissionDenied_neverTheToken() {
    try (VaultCredentials unprivileged =
        bed.credentials().login(VaultLogin.kubernetes("no-signer", bed.tokenFile.path())).build()) {
      String secret = unprivileged.tokens().get().token().reveal();
      assertThatThrownBy(() -> unprivileged.transitSigner(KEY))
          .isInstanceOfSatisfying(
              CredentialUnavailableException.class,
              e -> {
                assertThat(e.reason()).isEqualTo(Reason.REJECTED);
                assertThat(e.getMessage())
                    .contains("Vault Transit key read", "HTTP 403", "permission denied")
                    .doesNotContain(secret);
              });
    }
  }

  @Test
  void permissionDeniedAtSigning_isASignatureException_withTheTypedCause_neverTheToken()
      throws Exception {
    VaultTransitSigner signer = vault.transitSigner(KEY);
    bed.vault.faults().next(Fault.status(403));

    assertThatThrownBy(() -> signer.sign(MESSAGE))
        .isInstanceOf(SignatureException.class)
        .hasMessageContaining("Vault Transit signing at transit/sign/audit-signing")
        .hasMessageContaining("permission denied")
        .hasMessageNotContaining(token())
        .cause()
        .isInstanceOfSatisfying(
            CredentialUnavailableException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.REJECTED));
    assertThat(verifies(signer.publicKey(), MESSAGE, signer.sign(MESSAGE))).isTrue();
  }

  @Test
  void everyEmulatorFault_isAGeneralSecurityException_neverAnotherType() throws Exception {
    VaultTransitSigner signer = vault.transitSigner(KEY);
    String token = token();
    List<Fault> faults =
        List.of(
            Fault.status(500),
            Fault.status(503),
            Fault.status(400),
            Fault.throttle(Duration.ofSeconds(2)),
            Fault.malformedBody(),
            Fault.truncatedBody(),
            Fault.hugeBody(),
            Fault.expiredCredential(),
            Fault.connectionReset());
    for (Fault fault : faults) {
      bed.vault.faults().nextMatching(1, fault, r -> r.path().equals(SIGN_PATH));
      // assertThatThrownBy catches any Throwable: the assertion proves which one it was
      assertThatThrownBy(() -> signer.sign(MESSAGE))
          .as("%s", fault)
          .isInstanceOf(GeneralSecurityException.class)
          .hasCauseInstanceOf(CredentialUnavailableException.class)
          .satisfies(t -> assertThat(t.getMessage()).isNotBlank().doesNotContain(token));
    }
    assertThat(verifies(signer.publicKey(), MESSAGE, signer.sign(MESSAGE))).isTrue();
  }

  @Test
  void faultsAtTheKeyRead_areTypedErrors() {
    vault.tokens().get(); // logged in: the next faults reach the key read
    bed.vault.faults().next(Fault.status(503));
    assertThatThrownBy(() -> vault.transitSigner(KEY))
        .isInstanceOfSatisfying(
            CredentialUnavailableException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE));
    bed.vault.faults().next(Fault.malformedBody());
    assertThatThrownBy(() -> vault.transitSigner(KEY))
        .isInstanceOfSatisfying(
            CredentialUnavailableException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED_RESPONSE));
    bed.vault.faults().next(Fault.hugeBody());
    assertThatThrownBy(() -> vault.transitSigner(KEY))
        .isInstanceOfSatisfying(
            CredentialUnavailableException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED_RESPONSE));
  }

  @Test
  void keyRotation_aNewSignerSignsWithTheNewVersion_anExistingOneKeepsItsOwn() throws Exception {
    VaultTransitSigner before = vault.transitSigner(KEY);
    assertThat(bed.vault.rotateTransitKey("transit", KEY)).isEqualTo(2);
    PublicKey v1 = bed.vault.transitPublicKey("transit", KEY, 1);
    PublicKey v2 = bed.vault.transitPublicKey("transit", KEY, 2);

    VaultTransitSigner after = vault.transitSigner(KEY);
    byte[] signature = after.sign(MESSAGE);

    assertThat(after.keyVersion()).isEqualTo(2);
    assertThat(after.keyId()).isEqualTo(ChainFormat.keyId(v2)).isNotEqualTo(before.keyId());
    assertThat(verifies(v2, MESSAGE, signature)).isTrue();
    assertThat(verifies(v1, MESSAGE, signature)).isFalse();
    byte[] old = before.sign(MESSAGE);
    assertThat(before.keyVersion()).isEqualTo(1);
    assertThat(before.keyId()).isEqualTo(ChainFormat.keyId(v1));
    assertThat(verifies(v1, MESSAGE, old)).isTrue();
  }

  @Test
  void theMount_isConfigurable() throws Exception {
    bed.vault.transitMount("audit/transit", "audit-signer").transitKey("audit/transit", "chain");

    VaultTransitSigner signer = vault.transitSigner("/audit/transit/", "chain");

    assertThat(signer.mount()).isEqualTo("audit/transit");
    assertThat(
            verifies(
                bed.vault.transitPublicKey("audit/transit", "chain", 1),
                MESSAGE,
                signer.sign(MESSAGE)))
        .isTrue();
    assertThat(bed.calls("/v1/audit/transit/sign/chain")).isEqualTo(1);
  }

  @Test
  void badNames_areRejectedBeforeAnyCall() {
    assertThatThrownBy(() -> vault.transitSigner("a/b"))
        .isInstanceOfSatisfying(
            CredentialConfigurationException.class, e -> assertThat(e.setting()).isEqualTo("key"));
    assertThatThrownBy(() -> vault.transitSigner("../sys"))
        .isInstanceOf(CredentialConfigurationException.class);
    assertThatThrownBy(() -> vault.transitSigner("tr?ansit", KEY))
        .isInstanceOfSatisfying(
            CredentialConfigurationException.class,
            e -> assertThat(e.setting()).isEqualTo("mount"));
    assertThat(bed.calls("/transit/")).isZero();
  }

  @Test
  void afterClose_signIsASignatureException() throws Exception {
    VaultTransitSigner signer = vault.transitSigner(KEY);
    vault.close();

    assertThatThrownBy(() -> signer.sign(MESSAGE))
        .isInstanceOf(SignatureException.class)
        .cause()
        .isInstanceOfSatisfying(
            CredentialUnavailableException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.CLOSED));
  }

  // ------------------------------------------------------------------ a Vault that lies

  private static final String LOGGED_IN =
      "{\"request_id\":\"r\",\"lease_id\":\"\",\"renewable\":false,\"lease_duration\":0,"
          + "\"data\":null,\"wrap_info\":null,\"warnings\":null,\"auth\":{"
          + "\"client_token\":\"s.stubToken\",\"accessor\":\"stub-accessor\","
          + "\"policies\":[\"default\"],\"token_policies\":[\"default\"],"
          + "\"identity_policies\":null,\"metadata\":{},\"lease_duration\":3600,"
          + "\"renewable\":true,\"entity_id\":\"e\",\"token_type\":\"service\","
          + "\"orphan\":true,\"mfa_requirement\":null,\"num_uses\":0}}";

  private static String keyAnswer(String type, String rawPublicKey) {
    return "{\"data\":{\"type\":\""
        + type
        + "\",\"name\":\"audit-signing\",\"latest_version\":1,\"keys\":{\"1\":{"
        + "\"public_key\":\""
        + rawPublicKey
        + "\",\"creation_time\":\"2026-12-01T00:00:00Z\"}}}}";
  }

  private static String signAnswer(String signature) {
    return "{\"data\":{\"signature\":\"" + signature + "\",\"key_version\":1}}";
  }

  private VaultCredentials against(HostileVault stub) {
    return VaultCredentials.builder()
        .address(stub.address())
        .login(VaultLogin.kubernetes(Testbed.ROLE, bed.tokenFile.path()))
        .timebase(bed.time)
        .readTimeout(Duration.ofSeconds(5))
        .prefetch(false)
        .build();
  }

  @Test
  void signaturesOfAnotherVersion_orThatDoNotVerify_areSignatureExceptions() throws Exception {
    KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    byte[] x509 = pair.getPublic().getEncoded();
    String raw =
        Base64.getEncoder().encodeToString(Arrays.copyOfRange(x509, x509.length - 32, x509.length));
    String garbage = Base64.getEncoder().encodeToString(new byte[64]);
    try (HostileVault stub = new HostileVault()) {
      stub.on("/v1/auth/kubernetes/login", HostileVault.json(LOGGED_IN))
          .on("/v1/transit/keys/" + KEY, HostileVault.json(keyAnswer("ed25519", raw)))
          .on(SIGN_PATH, HostileVault.json(signAnswer("vault:v2:" + garbage)));
      try (VaultCredentials lying = against(stub)) {
        VaultTransitSigner signer = lying.transitSigner(KEY);
        assertThat(signer.keyId()).isEqualTo(ChainFormat.keyId(pair.getPublic()));
        assertThat(signer.publicKey().getEncoded()).isEqualTo(x509);

        assertThatThrownBy(() -> signer.sign(MESSAGE))
            .isInstanceOf(SignatureException.class)
            .hasMessageContaining("key version '2', not of the asked 1");

        stub.on(SIGN_PATH, HostileVault.json(signAnswer("vault:v1:" + garbage)));
        assertThatThrownBy(() -> signer.sign(MESSAGE))
            .isInstanceOf(SignatureException.class)
            .hasMessageContaining("does not verify with version 1");

        stub.on(SIGN_PATH, HostileVault.json(signAnswer("vault:v1:AAAA")));
        assertThatThrownBy(() -> signer.sign(MESSAGE))
            .isInstanceOf(SignatureException.class)
            .hasMessageContaining("not 64 bytes");

        stub.on(SIGN_PATH, HostileVault.nested(100_000));
        assertThatThrownBy(() -> signer.sign(MESSAGE))
            .isInstanceOf(GeneralSecurityException.class)
            .hasMessageContaining("deeper than 64");

        stub.on(SIGN_PATH, HostileVault.endless());
        assertThatThrownBy(() -> signer.sign(MESSAGE))
            .isInstanceOf(GeneralSecurityException.class)
            .hasMessageContaining("refuses to read");
      }
    }
  }

  @Test
  void aKeyThatIsNotEd25519_orAGarbledPublicKey_isRefused() throws Exception {
    try (HostileVault stub = new HostileVault()) {
      stub.on("/v1/auth/kubernetes/login", HostileVault.json(LOGGED_IN))
          .on("/v1/transit/keys/" + KEY, HostileVault.json(keyAnswer("rsa-2048", "AAAA")));
      try (VaultCredentials lying = against(stub)) {
        assertThatThrownBy(() -> lying.transitSigner(KEY))
            .isInstanceOfSatisfying(
                CredentialConfigurationException.class,
                e -> assertThat(e.getMessage()).contains("rsa-2048", "ed25519"));
        stub.on("/v1/transit/keys/" + KEY, HostileVault.json(keyAnswer("ed25519", "AAAA")));
        assertThatThrownBy(() -> lying.transitSigner(KEY))
            .isInstanceOfSatisfying(
                CredentialUnavailableException.class,
                e -> {
                  assertThat(e.reason()).isEqualTo(Reason.MALFORMED_RESPONSE);
                  assertThat(e.getMessage()).contains("not 32 bytes");
                });
      }
    }
  }
}
