package dev.ephemera.core.spi.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The one bounded read: at most limit + 1 bytes, whatever the body. */
class BoundedBodyTest {

  /** An endless body that counts what was read from it. */
  private static final class Endless extends InputStream {
    long read;

    @Override
    public int read() {
      read++;
      return 'x';
    }

    @Override
    public int read(byte[] b, int off, int len) {
      Arrays.fill(b, off, off + len, (byte) 'x');
      read += len;
      return len;
    }
  }

  @Test
  void read_returnsTheWholeBody_upToTheLimit() throws Exception {
    byte[] body = "{\"token\":\"t\"}".getBytes(StandardCharsets.UTF_8);
    assertThat(BoundedBody.read(new ByteArrayInputStream(body), body.length, "x")).isEqualTo(body);
    assertThat(BoundedBody.read(new ByteArrayInputStream(new byte[0]), 10, "x")).isEmpty();
    assertThat(BoundedBody.readUtf8(new ByteArrayInputStream(body), 1 << 20, "x"))
        .isEqualTo("{\"token\":\"t\"}");
  }

  @Test
  void read_ofAnEndlessBody_stopsOneBytePastTheLimit() {
    Endless endless = new Endless();
    assertThatThrownBy(() -> BoundedBody.read(endless, 100_000, "the STS answer"))
        .isInstanceOf(BoundedBody.TooLargeException.class)
        .hasMessage("the STS answer is longer than the 100000 bytes read from it");
    assertThat(endless.read).isEqualTo(100_001);
  }

  @Test
  void read_ofOneByteTooMany_isRefused_andZeroLimitReadsOneByte() {
    assertThatThrownBy(() -> BoundedBody.read(new ByteArrayInputStream(new byte[11]), 10, "b"))
        .isInstanceOfSatisfying(
            BoundedBody.TooLargeException.class, e -> assertThat(e.limit()).isEqualTo(10));
    Endless endless = new Endless();
    assertThatThrownBy(() -> BoundedBody.read(endless, 0, "b"))
        .isInstanceOf(BoundedBody.TooLargeException.class);
    assertThat(endless.read).isEqualTo(1);
  }

  @Test
  void readUtf8_replacesMalformedInput_insteadOfThrowing() throws Exception {
    byte[] bad = {(byte) 0xff, 'a'};
    assertThat(BoundedBody.readUtf8(new ByteArrayInputStream(bad), 10, "b")).endsWith("a");
  }
}
