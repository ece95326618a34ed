package dev.ephemera.aws.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class PodIdentityExpirationsTest {

  @Test
  void expirationFormats_rfc3339WithNanosOffsetsAndCompactOffset_allParse() {
    assertThat(PodIdentityExpirations.parse("2026-05-01T13:00:00.123456789Z"))
        .isEqualTo(Instant.parse("2026-05-01T13:00:00.123456789Z"));
    assertThat(PodIdentityExpirations.parse("2026-05-01T15:00:00+02:00"))
        .isEqualTo(Instant.parse("2026-05-01T13:00:00Z"));
    assertThat(PodIdentityExpirations.parse("2026-05-01T13:00:00+0000"))
        .isEqualTo(Instant.parse("2026-05-01T13:00:00Z"));
  }
}
