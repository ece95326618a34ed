package dev.ephemera.examples.readme;

// README:begin testing-gcp
import static org.assertj.core.api.Assertions.assertThat;

import dev.ephemera.core.Environment;
import dev.ephemera.testkit.gcp.GkeMetadataServerEmulator;
import dev.ephemera.testkit.junit.EmulatorExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

// README:end testing-gcp

// README:begin testing-gcp
@ExtendWith(EmulatorExtension.class)
class GcpSnippetTest {
  @Test
  void tokensComeFromTheGkeMetadataServer(GkeMetadataServerEmulator metadata) {
    String ids = GcpSnippet.tokens(Environment.of(metadata.environment())); // GCE_METADATA_HOST

    assertThat(metadata.tokensMinted()).isEqualTo(1);
    assertThat(ids).isNotBlank();
    assertThat(metadata.journal().entries()).isNotEmpty();
  }
}
// README:end testing-gcp
