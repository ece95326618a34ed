package dev.ephemera.core.spi.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** What a vendor client did on the wire, per thread, nested, never a success body. */
class WireRecorderTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private final WireRecorder recorder = new WireRecorder();

  @Test
  void exchange_recordsTheLastResponse_headersIgnoringCase() {
    try (WireRecorder.Exchange e = recorder.open()) {
      recorder.begin(URI.create("http://127.0.0.1/a"));
      recorder.responded(200, Map.of("X-A", List.of("1")), null);
      recorder.begin(URI.create("http://127.0.0.1/b"));
      recorder.responded(
          429,
          Map.of("retry-after", List.of("30"), "Date", List.of("Thu, 01 Jan 2026 00:00:10 GMT")),
          "{\"errors\":[\"slow down\"]}");
      assertThat(e.requests()).isEqualTo(2);
      assertThat(e.uri()).contains(URI.create("http://127.0.0.1/b"));
      assertThat(e.status()).isEqualTo(429);
      assertThat(e.header("Retry-After")).contains("30");
      assertThat(e.header("x-a")).isEmpty();
      assertThat(e.upstreamTime()).contains(NOW.plusSeconds(10));
      assertThat(e.retryAfter(NOW)).contains(Duration.ofSeconds(30));
      assertThat(e.errorBody()).contains("{\"errors\":[\"slow down\"]}");
      assertThat(e.toString()).doesNotContain("slow down");
    }
  }

  @Test
  void retryAfterAsADate_isReadAgainstTheUpstreamsOwnClock() {
    try (WireRecorder.Exchange e = recorder.open()) {
      recorder.begin(URI.create("http://127.0.0.1/"));
      recorder.responded(
          503,
          Map.of(
              "Date", List.of("Thu, 01 Jan 2026 00:00:00 GMT"),
              "Retry-After", List.of("Thu, 01 Jan 2026 00:01:00 GMT")),
          "");
      // the local clock is an hour ahead; the upstream asked for one minute
      assertThat(e.retryAfter(NOW.plusSeconds(3600))).contains(Duration.ofMinutes(1));
    }
  }

  @Test
  void nestedExchanges_bothSeeTheInnerRequests_andCloseRestoresTheOuter() {
    try (WireRecorder.Exchange outer = recorder.open()) {
      try (WireRecorder.Exchange inner = recorder.open()) {
        recorder.begin(URI.create("http://127.0.0.1/inner"));
        recorder.failed(new IOException("reset"));
        assertThat(inner.failure()).isPresent();
      }
      recorder.begin(URI.create("http://127.0.0.1/outer"));
      assertThat(outer.requests()).isEqualTo(2);
      assertThat(outer.failure()).isEmpty();
      assertThat(outer.status()).isEqualTo(-1);
    }
  }

  @Test
  void withoutAnOpenExchange_orOnAnotherThread_nothingIsRecorded() throws Exception {
    recorder.begin(URI.create("http://127.0.0.1/"));
    recorder.responded(500, Map.of(), "x");
    try (WireRecorder.Exchange e = recorder.open()) {
      CompletableFuture.runAsync(
              () -> {
                recorder.begin(URI.create("http://127.0.0.1/elsewhere"));
                recorder.responded(500, Map.of(), "x");
              })
          .get();
      assertThat(e.requests()).isZero();
      assertThat(e.errorBody()).isEmpty();
    }
  }
}
