package dev.ephemera.core.audit.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ephemera.core.audit.chain.ChainProblem.Kind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECPrivateKeySpec;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints signed by a key in a real PKCS#11 token: a fresh SoftHSM2 token, reached through the
 * JDK's SunPKCS11 provider. SunPKCS11 has no Ed25519 (JDK 17 to 25, though SoftHSM2 has CKM_EDDSA),
 * so the token's key is EC P-256 and the checkpoints {@code SHA256withECDSA}.
 *
 * <p>SoftHSM2 reads its configuration from {@code SOFTHSM2_CONF} when the JVM loads it, and a JVM
 * cannot set its own environment: core/pom.xml points it, for the test JVM, to a file under {@code
 * target/softhsm2}, which this test writes (with a token directory of its own) and removes. The
 * token is initialised by {@code softhsm2-util}; the key pair is generated in it through SunPKCS11,
 * sensitive and never extractable.
 */
class Pkcs11SignerTest {
  private static final Path LIBRARY = Path.of("/usr/lib/softhsm/libsofthsm2.so");
  private static final Path UTIL = Path.of("/usr/bin/softhsm2-util");
  private static final String INSTALL = "apt-get install softhsm2 (the Debian package)";
  private static final String PIN = "1234"; // a throwaway token's
  private static final Pattern SLOT = Pattern.compile("reassigned to slot (\\d+)");

  @SuppressWarnings("NullAway.Init")
  private static Path conf;

  @SuppressWarnings("NullAway.Init")
  private static Path tokens;

  @SuppressWarnings("NullAway.Init")
  private static Provider token;

  @SuppressWarnings("NullAway.Init")
  private static KeyPair keys;

  private final ChainFixture fx = new ChainFixture();

  @SuppressWarnings("NullAway.Init")
  @TempDir
  Path dir;

  @BeforeAll
  static void createTokenAndKey() throws Exception {
    assertThat(Files.exists(LIBRARY))
        .as("SoftHSM2's PKCS#11 library %s is missing: %s", LIBRARY, INSTALL)
        .isTrue();
    assertThat(Files.isExecutable(UTIL)).as("%s is missing: %s", UTIL, INSTALL).isTrue();
    String confVariable = System.getenv("SOFTHSM2_CONF");
    assertThat(confVariable)
        .as(
            "SOFTHSM2_CONF is not set: run the test through Maven (core/pom.xml sets it for the test"
                + " JVM), never against the machine's /etc/softhsm")
        .isNotBlank();
    conf = Path.of(confVariable).toAbsolutePath();
    Path home = Files.createDirectories(conf.getParent());
    tokens = Files.createTempDirectory(home, "tokens-");
    Files.writeString(
        conf,
        "directories.tokendir = "
            + tokens
            + "\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n");

    String slot = initToken();
    token =
        Security.getProvider("SunPKCS11")
            .configure(
                String.join(
                    "\n",
                    "--name=ephemera-test",
                    "library=" + LIBRARY,
                    "slot=" + slot,
                    "attributes(generate, CKO_PRIVATE_KEY, *) = {",
                    "  CKA_TOKEN = true",
                    "  CKA_SENSITIVE = true",
                    "  CKA_EXTRACTABLE = false",
                    "}",
                    "attributes(generate, CKO_PUBLIC_KEY, *) = {",
                    "  CKA_TOKEN = true",
                    "}"));
    KeyStore.getInstance("PKCS11", token).load(null, PIN.toCharArray()); // logs in
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", token);
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    keys = generator.generateKeyPair();
  }

  /** {@return the slot of a fresh token, initialised by softhsm2-util in a child process} */
  private static String initToken() throws IOException, InterruptedException {
    ProcessBuilder pb =
        new ProcessBuilder(
                UTIL.toString(),
                "--init-token",
                "--free",
                "--label",
                "ephemera-test",
                "--pin",
                PIN,
                "--so-pin",
                "5678")
            .redirectErrorStream(true);
    pb.environment().put("SOFTHSM2_CONF", conf.toString());
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("softhsm2-util hangs").isTrue();
    assertThat(p.exitValue()).as("softhsm2-util --init-token: %s", output).isZero();
    Matcher m = SLOT.matcher(output);
    assertThat(m.find()).as("softhsm2-util named no slot: %s", output).isTrue();
    return m.group(1);
  }

  @AfterAll
  static void removeToken() throws IOException {
    if (token instanceof java.security.AuthProvider auth) {
      try {
        auth.logout();
      } catch (javax.security.auth.login.LoginException e) {
        // the token goes anyway
      }
    }
    if (tokens != null) {
      try (Stream<Path> files = Files.walk(tokens)) {
        for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(f);
        }
      }
    }
    if (conf != null) {
      Files.deleteIfExists(conf);
      try {
        Files.deleteIfExists(conf.getParent());
      } catch (DirectoryNotEmptyException e) {
        // another's files: left alone
      }
    }
  }

  private List<String> chain(CheckpointSigner signer) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ChainedAuditSink sink = fx.sink(out, "e1", ChainFixture.START).signer(signer).build()) {
      for (int i = 0; i < 12; i++) {
        sink.onEvent(ChainFixture.event(i, ChainFixture.START.plusSeconds(i)));
      }
      sink.close();
      assertThat(sink.signFailures()).isZero();
    }
    return ChainFixture.lines(out);
  }

  /** {@return the token's public key as an auditor has it: read from PEM, the JDK's own key} */
  private static PublicKey auditorsKey() {
    return ChainKeys.publicKeyFromPem(ChainKeys.toPem(keys.getPublic()));
  }

  private ChainReport verify(List<String> lines) throws IOException {
    return ChainVerifier.builder()
        .publicKey(auditorsKey())
        .hmacKey(fx.hmacKey)
        .build()
        .verify(List.of(ChainFixture.write(dir, "audit.jsonl", lines)));
  }

  @Test
  void aTokensKey_signsTheCheckpoints_andTheChainVerifiesWithItsPublicKey() throws IOException {
    CheckpointSigner signer = CheckpointSigner.of(keys.getPrivate(), keys.getPublic(), token);

    ChainReport report = verify(chain(signer));

    assertThat(signer.algorithm()).isEqualTo(CheckpointSigner.ECDSA_P256);
    assertThat(signer.keyId()).isEqualTo(ChainFormat.keyId(auditorsKey()));
    assertThat(signer.toString()).contains(signer.keyId(), "SunPKCS11-ephemera-test");
    assertThat(auditorsKey().getClass().getName()).doesNotContain("pkcs11");
    assertThat(report.problems()).isEmpty();
    assertThat(report.intact()).as(report.summary()).isTrue();
    assertThat(report.checkpoints()).isEqualTo(3);
  }

  @Test
  void aTamperedCheckpoint_isForged() throws IOException {
    List<String> lines = chain(CheckpointSigner.of(keys.getPrivate(), keys.getPublic(), token));
    int cp = ChainFixture.indexOfKind(lines, "CHECKPOINT", 0);
    String line = lines.get(cp);
    String sig = line.substring(line.indexOf("\"sig\":\"") + 7, line.indexOf("\",\"mac\""));
    byte[] der = Base64.getDecoder().decode(sig);
    der[der.length - 1] ^= 1; // s changed by one bit: still DER, no longer the token's signature
    lines.set(cp, line.replace(sig, Base64.getEncoder().encodeToString(der)));

    ChainReport report = verify(lines);

    assertThat(report.intact()).isFalse();
    assertThat(report.firstProblem().orElseThrow().kind()).isEqualTo(Kind.FORGED_CHECKPOINT);
  }

  @Test
  void theTokensPrivateKey_neverLeavesIt() throws Exception {
    assertThat(keys.getPrivate().getEncoded()).isNull();
    assertThatThrownBy(
            () ->
                KeyFactory.getInstance("EC", token)
                    .getKeySpec(keys.getPrivate(), ECPrivateKeySpec.class))
        .isInstanceOf(GeneralSecurityException.class);
    assertThatThrownBy(
            () ->
                Signature.getInstance(CheckpointSigner.ECDSA_P256, "SunEC")
                    .initSign(keys.getPrivate()))
        .isInstanceOf(GeneralSecurityException.class);
    // without its provider (not installed), no other provider can sign with it
    assertThatThrownBy(
            () -> CheckpointSigner.of(keys.getPrivate(), keys.getPublic()).sign(new byte[] {1}))
        .isInstanceOf(GeneralSecurityException.class);
  }
}
