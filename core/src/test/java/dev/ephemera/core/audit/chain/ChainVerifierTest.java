package dev.ephemera.core.audit.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ephemera.core.audit.chain.ChainProblem.Kind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ChainVerifierTest {
  private final ChainFixture fx = new ChainFixture();

  @SuppressWarnings("NullAway.Init")
  @TempDir
  Path dir;

  private ChainReport verify(List<String> lines) throws IOException {
    return fx.verifier().verify(List.of(ChainFixture.write(dir, "audit.jsonl", lines)));
  }

  private static ChainProblem first(ChainReport report) {
    assertThat(report.intact()).as(report.summary()).isFalse();
    return report.firstProblem().orElseThrow();
  }

  @ParameterizedTest
  @EnumSource(Tamper.class)
  void everyTamperingIsCaught_andNamed(Tamper tamper) throws IOException {
    ChainReport report = verify(tamper.apply(fx, fx.chain("e1", 12)));

    assertThat(report.intact()).isFalse();
    assertThat(report.problems()).extracting(ChainProblem::kind).contains(tamper.caught);
  }

  @Test
  void anIntactChainVerifies_withItsCounts() throws IOException {
    List<String> lines = fx.chain("e1", 12);

    ChainReport report = verify(lines);

    assertThat(report.problems()).isEmpty();
    assertThat(report.events()).isEqualTo(12);
    // every 5 events and the final one
    assertThat(report.checkpoints()).isEqualTo(3);
    assertThat(report.entries()).isEqualTo(lines.size()).isEqualTo(1 + 12 + 3);
    assertThat(report.summary()).startsWith("intact: 16 entries in 1 file, 1 epoch, 12 events");
  }

  @Test
  void anEditedField_isNamedWithItsLine() throws IOException {
    List<String> lines = Tamper.EDIT_A_FIELD.apply(fx, fx.chain("e1", 12));

    ChainProblem p = first(verify(lines));

    assertThat(p.kind()).isEqualTo(Kind.EDITED);
    assertThat(p.line()).isEqualTo(4);
    assertThat(p.seq()).isEqualTo(3);
    assertThat(p.toString()).contains("audit.jsonl:4").contains("edited");
  }

  @Test
  void anEditRehashedWithoutTheKeys_failsItsMac_andTheNextLink() throws IOException {
    List<String> lines = fx.chain("e1", 12);
    lines.set(3, ChainFixture.rehash(lines.get(3).replace("source-2", "source-9")));

    ChainReport report = verify(lines);

    assertThat(first(report).kind()).isEqualTo(Kind.INSERTED);
    assertThat(report.problems()).extracting(ChainProblem::kind).contains(Kind.SPLICED);
    // without the HMAC key, the signed checkpoint after it still catches the rewrite
    ChainReport signedOnly =
        ChainVerifier.builder()
            .publicKey(fx.keys.getPublic())
            .build()
            .verify(List.of(ChainFixture.write(dir, "audit.jsonl", lines)));
    assertThat(signedOnly.problems()).extracting(ChainProblem::kind).contains(Kind.SPLICED);
  }

  @Test
  void aDeletedEntry_isCaught() throws IOException {
    List<String> lines = Tamper.DELETE_AN_ENTRY.apply(fx, fx.chain("e1", 12));

    ChainProblem p = first(verify(lines));

    assertThat(p.kind()).isEqualTo(Kind.DELETED);
    assertThat(p.detail()).contains("seq 4 is missing");
  }

  @Test
  void reorderedEntries_areCaught() throws IOException {
    List<String> lines = Tamper.REORDER_TWO.apply(fx, fx.chain("e1", 12));

    ChainProblem p = first(verify(lines));

    assertThat(p.kind()).isEqualTo(Kind.REORDERED);
    assertThat(p.line()).isEqualTo(5);
  }

  @Test
  void anInsertedEntry_isCaught_byItsMac_andWithoutTheKey_byItsSeq() throws IOException {
    List<String> lines = Tamper.INSERT_ONE.apply(fx, fx.chain("e1", 12));

    assertThat(first(verify(lines)).kind()).isEqualTo(Kind.INSERTED);
    ChainReport hashOnly =
        ChainVerifier.builder().build().verify(List.of(ChainFixture.write(dir, "a.jsonl", lines)));
    assertThat(first(hashOnly).kind()).isEqualTo(Kind.INSERTED);
    assertThat(first(hashOnly).detail()).contains("appears twice");
  }

  @Test
  void aTruncatedTail_isCaught_andACheckpointCopyNamesHowMuch() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream copy = new ByteArrayOutputStream();
    try (ChainedAuditSink sink =
        fx.sink(out, "e1", ChainFixture.START).checkpointCopy(copy).build()) {
      for (int i = 0; i < 12; i++) {
        sink.onEvent(ChainFixture.event(i, ChainFixture.START));
      }
    }
    List<String> lines = ChainFixture.lines(out);
    List<String> cut = new ArrayList<>(lines.subList(0, lines.size() - 3));

    assertThat(first(verify(cut)).kind()).isEqualTo(Kind.TRUNCATED);
    Path copyFile = ChainFixture.write(dir, "checkpoints.jsonl", ChainFixture.lines(copy));
    ChainReport withCopy =
        ChainVerifier.builder()
            .publicKey(fx.keys.getPublic())
            .checkpointCopy(copyFile)
            .build()
            .verify(List.of(ChainFixture.write(dir, "audit.jsonl", cut)));
    assertThat(withCopy.problems())
        .filteredOn(p -> p.file().endsWith("checkpoints.jsonl"))
        .singleElement()
        .satisfies(p -> assertThat(p.kind()).isEqualTo(Kind.TRUNCATED))
        .satisfies(p -> assertThat(p.detail()).contains("ends at seq " + (lines.size() - 4)));
    // the intact chain agrees with its copy
    assertThat(
            ChainVerifier.builder()
                .publicKey(fx.keys.getPublic())
                .checkpointCopy(copyFile)
                .build()
                .verify(List.of(ChainFixture.write(dir, "audit.jsonl", lines)))
                .problems())
        .isEmpty();
  }

  @Test
  void anOpenTail_isAcceptedOnlyWhenAsked() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ChainedAuditSink sink = fx.sink(out, "e1", ChainFixture.START).build();
    for (int i = 0; i < 7; i++) {
      sink.onEvent(ChainFixture.event(i, ChainFixture.START));
    }
    Path file = ChainFixture.write(dir, "live.jsonl", ChainFixture.lines(out));

    assertThat(first(fx.verifier().verify(List.of(file))).kind()).isEqualTo(Kind.TRUNCATED);
    ChainReport open =
        ChainVerifier.builder()
            .publicKey(fx.keys.getPublic())
            .allowOpenTail(true)
            .build()
            .verify(List.of(file));
    assertThat(open.problems()).isEmpty();
  }

  @Test
  void twoLogsSpliced_areCaught() throws IOException {
    List<String> spliced = Tamper.SPLICE_TWO_LOGS.apply(fx, fx.chain("e1", 12));

    ChainProblem p = first(verify(spliced));

    assertThat(p.kind()).isEqualTo(Kind.SPLICED);
    assertThat(p.line()).isEqualTo(9);
  }

  @Test
  void aReplayedCheckpoint_isCaught() throws IOException {
    List<String> lines = Tamper.REPLAY_A_CHECKPOINT.apply(fx, fx.chain("e1", 12));

    ChainReport report =
        ChainVerifier.builder()
            .publicKey(fx.keys.getPublic())
            .build()
            .verify(List.of(ChainFixture.write(dir, "audit.jsonl", lines)));

    assertThat(report.problems()).extracting(ChainProblem::kind).contains(Kind.REPLAYED_CHECKPOINT);
  }

  @Test
  void aForgedCheckpoint_andAWrongKey_areTold() throws IOException {
    List<String> lines = Tamper.FORGE_A_CHECKPOINT.apply(fx, fx.chain("e1", 12));

    assertThat(first(verify(lines)).kind()).isEqualTo(Kind.FORGED_CHECKPOINT);
    ChainReport wrongKey =
        ChainVerifier.builder()
            .publicKey(ChainFixture.generate().getPublic())
            .build()
            .verify(List.of(ChainFixture.write(dir, "b.jsonl", fx.chain("e1", 3))));
    assertThat(first(wrongKey).kind()).isEqualTo(Kind.WRONG_KEY);
    assertThat(first(wrongKey).detail()).contains(ChainFormat.keyId(fx.keys.getPublic()));
  }

  @Test
  void restartsAndRotation_verifyAsOneTrail_andAMissingEpochIsTold() throws IOException {
    List<String> first = fx.chain("e1", 6);
    Path f1 = ChainFixture.write(dir, "1.jsonl", first);
    ChainEntry last = ChainVerifier.lastEntry(f1).orElseThrow();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ChainedAuditSink sink =
        fx.sink(out, "e2", ChainFixture.START.plusSeconds(3600)).resumeAfter(last).build()) {
      for (int i = 0; i < 9; i++) {
        sink.onEvent(ChainFixture.event(i, ChainFixture.START));
      }
    }
    List<String> second = ChainFixture.lines(out);
    // rotated mid-epoch, the files named so that the later half sorts first
    ChainFixture.write(dir, "0-rotated.jsonl", second.subList(6, second.size()));
    ChainFixture.write(dir, "2.jsonl", second.subList(0, 6));

    ChainReport report = fx.verifier().verify(List.of(dir));

    assertThat(report.problems()).isEmpty();
    assertThat(report.epochs()).isEqualTo(2);
    assertThat(report.files()).isEqualTo(3);

    // a third epoch, then the middle one removed
    ByteArrayOutputStream third = new ByteArrayOutputStream();
    ChainEntry secondLast = new ChainEntry("workload-a", "e2", second.size() - 1, lastHash(second));
    try (ChainedAuditSink sink =
        fx.sink(third, "e3", ChainFixture.START.plusSeconds(7200))
            .resumeAfter(secondLast)
            .build()) {
      sink.onEvent(ChainFixture.event(1, ChainFixture.START));
    }
    Path other = Files.createDirectory(dir.resolve("other"));
    ChainFixture.write(other, "1.jsonl", first);
    ChainFixture.write(other, "3.jsonl", ChainFixture.lines(third));
    ChainProblem p = first(fx.verifier().verify(List.of(other)));
    assertThat(p.kind()).isEqualTo(Kind.DELETED);
    assertThat(p.detail()).contains("e2");
  }

  @Test
  void aLineThatIsNotAnEntry_isMalformed_notAnException() throws IOException {
    List<String> lines = fx.chain("e1", 3);
    lines.add(1, "{\"v\":\"ephemera.chain/v1\"");
    lines.add(2, "[".repeat(100_000));
    lines.add(3, "x".repeat(ChainVerifier.MAX_LINE + 10));

    ChainReport report = verify(lines);

    assertThat(report.problems())
        .extracting(ChainProblem::kind)
        .containsExactly(Kind.MALFORMED, Kind.MALFORMED, Kind.MALFORMED);
  }

  private static String lastHash(List<String> lines) {
    String l = lines.get(lines.size() - 1);
    int at = l.lastIndexOf(",\"hash\":\"") + 9;
    return l.substring(at, at + 64);
  }

  private static KeyPair generate(String algorithm, String curve) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
      if (!curve.isEmpty()) {
        g.initialize(new ECGenParameterSpec(curve));
      }
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@return a closed chain of 12 events, its checkpoints signed by {@code signer}} */
  private List<String> chain(CheckpointSigner signer) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ChainedAuditSink sink = fx.sink(out, "e1", ChainFixture.START).signer(signer).build()) {
      for (int i = 0; i < 12; i++) {
        sink.onEvent(ChainFixture.event(i, ChainFixture.START.plusSeconds(i)));
      }
    }
    return ChainFixture.lines(out);
  }

  @Test
  void aP256Key_signsWithEcdsa_andItsChainVerifies_itsKeyReadFromPem() throws IOException {
    KeyPair ec = generate("EC", "secp256r1");
    CheckpointSigner signer = CheckpointSigner.of(ec.getPrivate(), ec.getPublic());

    ChainReport report =
        ChainVerifier.builder()
            .publicKey(ChainKeys.publicKeyFromPem(ChainKeys.toPem(ec.getPublic())))
            .hmacKey(fx.hmacKey)
            .build()
            .verify(List.of(ChainFixture.write(dir, "audit.jsonl", chain(signer))));

    assertThat(signer.algorithm()).isEqualTo(CheckpointSigner.ECDSA_P256);
    assertThat(report.problems()).isEmpty();
    assertThat(report.checkpoints()).isEqualTo(3);
    assertThat(CheckpointSigner.of(fx.keys.getPrivate(), fx.keys.getPublic()).algorithm())
        .isEqualTo(CheckpointSigner.ED25519);
  }

  @Test
  void aCheckpointNamingAnotherAlgorithm_isForged_neverThrown() throws IOException {
    KeyPair ec = generate("EC", "secp256r1");
    List<String> signed = chain(CheckpointSigner.of(ec.getPrivate(), ec.getPublic()));
    for (String alg : List.of("SHA1withECDSA", "NONEwithECDSA", "Ed25519", "no such thing")) {
      List<String> lines = new ArrayList<>(signed);
      int cp = ChainFixture.indexOfKind(lines, "CHECKPOINT", 0);
      lines.set(
          cp,
          ChainFixture.rehash(
              lines.get(cp).replace("\"alg\":\"SHA256withECDSA\"", "\"alg\":\"" + alg + "\"")));

      ChainReport report =
          ChainVerifier.builder()
              .publicKey(ec.getPublic())
              .build()
              .verify(List.of(ChainFixture.write(dir, "audit.jsonl", lines)));

      ChainProblem p = first(report);
      assertThat(p.kind()).as(alg).isEqualTo(Kind.FORGED_CHECKPOINT);
      assertThat(p.toString()).as(alg).contains(alg);
    }
  }

  @Test
  void onlyEd25519AndP256Keys_areTrusted() {
    KeyPair p384 = generate("EC", "secp384r1");
    KeyPair rsa = generate("RSA", "");

    assertThatThrownBy(() -> ChainVerifier.builder().publicKey(p384.getPublic()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("P-256");
    assertThatThrownBy(() -> CheckpointSigner.of(rsa.getPrivate(), rsa.getPublic()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CheckpointSigner.ed25519(p384.getPrivate(), p384.getPublic()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ChainKeys.publicKeyFromPem(ChainKeys.toPem(p384.getPublic())))
        .hasMessageContaining("P-256");
    assertThatThrownBy(() -> ChainKeys.publicKeyFromPem(ChainKeys.toPem(rsa.getPublic())))
        .hasMessageContaining("neither an Ed25519 nor an EC P-256");
  }
}
