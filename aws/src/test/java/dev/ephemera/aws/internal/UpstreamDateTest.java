package dev.ephemera.aws.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * STS's Date is trusted only when it is an HTTP date; otherwise the local clock dates as before.
 */
class UpstreamDateTest {

  private static SdkHttpResponse withDate(String date) {
    return SdkHttpResponse.builder().statusCode(200).putHeader("Date", date).build();
  }

  @Test
  void anHttpDate_isTheUpstreamTime() {
    assertThat(StsWebIdentityIssuer.dateOf(withDate("Thu, 01 Jan 2026 00:00:30 GMT")))
        .isEqualTo(Instant.parse("2026-01-01T00:00:30Z"));
  }

  @Test
  void aDateThatDoesNotParse_orNone_isNotTrusted() {
    assertThat(StsWebIdentityIssuer.dateOf(withDate("garbage"))).isNull();
    assertThat(StsWebIdentityIssuer.dateOf(withDate("2026-01-01T00:00:30Z"))).isNull();
    assertThat(StsWebIdentityIssuer.dateOf(withDate("x".repeat(10_000)))).isNull();
    assertThat(StsWebIdentityIssuer.dateOf(SdkHttpResponse.builder().statusCode(200).build()))
        .isNull();
    assertThat(StsWebIdentityIssuer.dateOf(null)).isNull();
  }
}
