package dev.ephemera.examples.readme;

// README:begin testing-gcp
import static org.assertj.core.api.Assertions.assertThat;

import dev.ephemera.core.Environment;
import dev.ephemera.testkit.gcp.CloudStorageEmulator;
import dev.ephemera.testkit.gcp.GkeMetadataServerEmulator;
import dev.ephemera.testkit.junit.EmulatorExtension;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

// README:end testing-gcp

// README:begin testing-gcp
@ExtendWith(EmulatorExtension.class)
class GcpSnippetTest {
  @Test
  void readsTheReportWithTheGkeMetadataServersToken(
      GkeMetadataServerEmulator metadata, CloudStorageEmulator storage) throws Exception {
    Map<String, String> pod = new HashMap<>(metadata.environment()); // GCE_METADATA_HOST
    pod.putAll(storage.environment()); // STORAGE_EMULATOR_HOST

    String report = GcpSnippet.report(Environment.of(pod));

    assertThat(report).startsWith("2026/q1.csv ");
    assertThat(metadata.tokensMinted()).isEqualTo(1);
    assertThat(storage.journal().entries()).hasSize(1); // one read, with the minted token
  }
}
// README:end testing-gcp
