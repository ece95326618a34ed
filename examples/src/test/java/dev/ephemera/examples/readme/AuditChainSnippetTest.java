package dev.ephemera.examples.readme;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ephemera.core.audit.AuditEvent;
import dev.ephemera.core.audit.AuditEventType;
import dev.ephemera.core.audit.AuditListener;
import dev.ephemera.core.audit.AuditOutcome;
import dev.ephemera.core.audit.chain.ChainKeys;
import dev.ephemera.core.audit.chain.ChainReport;
import dev.ephemera.core.audit.chain.ChainedAuditSink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditChainSnippetTest {
  @Test
  void theTrailVerifies_andAnEditIsCaught(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("audit.chain.jsonl");
    KeyPair key = ChainKeys.generateEd25519();
    byte[] macKey = new byte[32];
    Arrays.fill(macKey, (byte) 3);
    try (ChainedAuditSink sink = AuditChainSnippet.trail(file, key, macKey.clone())) {
      for (int i = 0; i < 3; i++) {
        sink.onEvent(
            AuditEvent.builder(AuditEventType.ISSUED, AuditOutcome.SUCCESS)
                .time(Instant.parse("2030-01-01T00:00:00Z").plusSeconds(i))
                .source("orders-s3")
                .build());
      }
    }
    AuditListener detectors = AuditChainSnippet.detectors();
    assertThat(detectors).isNotNull();

    ChainReport report = AuditChainSnippet.verify(file, key, macKey);
    assertThat(report.problems()).isEmpty();
    assertThat(report.events()).isEqualTo(3);

    List<String> lines = Files.readAllLines(file);
    lines.set(2, lines.get(2).replace("orders-s3", "orders-s4"));
    Files.write(file, lines);
    assertThat(AuditChainSnippet.verify(file, key, macKey).intact()).isFalse();
  }
}
