package dev.ephemera.examples.readme;

// README:begin audit-chain
import dev.ephemera.core.audit.AuditListener;
import dev.ephemera.core.audit.Slf4jAuditListener;
import dev.ephemera.core.audit.chain.ChainReport;
import dev.ephemera.core.audit.chain.ChainVerifier;
import dev.ephemera.core.audit.chain.ChainedAuditSink;
import dev.ephemera.core.audit.chain.CheckpointSigner;
import dev.ephemera.core.audit.detect.AnomalyDetectors;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyPair;
import java.util.List;

// README:end audit-chain

/** README's tamper-evident trail, as compiled and run by {@link AuditChainSnippetTest}. */
final class AuditChainSnippet {
  private AuditChainSnippet() {}

  // README:begin audit-chain
  /** The trail in {@code file}, its checkpoints signed with {@code key}, anomalies to SLF4J. */
  static ChainedAuditSink trail(Path file, KeyPair key, byte[] macKey) throws Exception {
    OutputStream out =
        Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    return ChainedAuditSink.builder(out)
        .origin("orders-api")
        .signer(CheckpointSigner.ed25519(key.getPrivate(), key.getPublic())) // or Vault Transit
        .hmacKey(macKey) // optional: forward-secure MACs; the sink keeps only the next key
        .checkpointEvery(1000)
        .build(); // pass it to any builder's .auditListener(...), with the detectors:
  }

  static AuditListener detectors() {
    return AnomalyDetectors.standard(Slf4jAuditListener.create()); // ANOMALY events, logged
  }

  /** What an auditor runs (or ./audit verify FILE --public-key KEY). */
  static ChainReport verify(Path file, KeyPair key, byte[] macKey) throws Exception {
    return ChainVerifier.builder()
        .publicKey(key.getPublic())
        .hmacKey(macKey)
        .build()
        .verify(List.of(file));
  }
  // README:end audit-chain
}
