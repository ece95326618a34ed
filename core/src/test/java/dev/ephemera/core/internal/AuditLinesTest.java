package dev.ephemera.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuditLinesTest {

  private static long read(String text, int max, List<Map<String, Object>> seen)
      throws IOException {
    return AuditLines.read(new StringReader(text), max, seen::add);
  }

  @Test
  void read_unwrapsChainedLines_andSkipsLongAndMalformedOnes() throws IOException {
    List<Map<String, Object>> seen = new ArrayList<>();

    long skipped =
        read(
            "{\"type\":\"ISSUED\"}\r\n"
                + "{\"hash\":\"h\",\"event\":{\"type\":\"REVOKED\"}}\n"
                + "{\"type\":\""
                + "x".repeat(100)
                + "\"}\n"
                + "{not json\n"
                + "{\"no\":\"type\"}\n"
                + "   \n"
                + "{\"type\":\"CLOSED\"}",
            64,
            seen);

    assertThat(skipped).isEqualTo(3);
    assertThat(seen).extracting(m -> m.get("type")).containsExactly("ISSUED", "REVOKED", "CLOSED");
  }

  @Test
  void read_aLineRefusedByTheCaller_isSkipped() throws IOException {
    assertThat(AuditLines.read(new StringReader("{\"type\":\"ISSUED\"}\n"), 64, m -> false))
        .isEqualTo(1);
  }

  @Test
  void read_aChainsEntriesHoldingNoEvent_arePassedOverUncounted() throws IOException {
    List<Map<String, Object>> seen = new ArrayList<>();
    String prefix = "{\"v\":\"ephemera.chain/v1\",\"origin\":\"o\",\"epoch\":\"e\",\"seq\":";

    long skipped =
        read(
            prefix
                + "0,\"kind\":\"EPOCH\"}\n"
                + prefix
                + "1,\"kind\":\"EVENT\",\"event\":{\"type\":\"ISSUED\"}}\n"
                + prefix
                + "2,\"kind\":\"CHECKPOINT\",\"final\":true}\n"
                + prefix
                + "3,\"kind\":\"EVENT\"}\n"
                + "{\"v\":\"other/v1\",\"kind\":\"CHECKPOINT\"}\n",
            1024,
            seen);

    assertThat(skipped).isEqualTo(2); // an EVENT without its event, and another format
    assertThat(seen).extracting(m -> m.get("type")).containsExactly("ISSUED");
  }
}
