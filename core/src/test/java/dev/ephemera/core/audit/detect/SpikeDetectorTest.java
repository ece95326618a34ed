package dev.ephemera.core.audit.detect;

import static dev.ephemera.core.audit.detect.Events.event;
import static java.time.Duration.ofMinutes;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ephemera.core.audit.AuditEventType;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SpikeDetectorTest {

  private final Events.Recorder out = new Events.Recorder();

  /** {@code perWindow} issuances in each of the first {@code windows} 5-minute windows. */
  private static void steady(SpikeDetector d, int windows, int perWindow) {
    for (int w = 0; w < windows; w++) {
      for (int i = 0; i < perWindow; i++) {
        d.onEvent(event(AuditEventType.ISSUED, "orders", ofMinutes(5L * w).plusSeconds(i)));
      }
    }
  }

  @Test
  void onEvent_whenAWindowExceedsFactorTimesBaseline_reportsIssuanceSpikeOnce() {
    SpikeDetector d = SpikeDetector.builder().build(out);
    steady(d, 20, 5); // baseline 5 per window: the limit is max(10, 3 x 5) = 15
    Duration spike = ofMinutes(5L * 20);

    for (int i = 0; i < 15; i++) {
      d.onEvent(event(AuditEventType.RENEWED, "orders", spike.plusSeconds(i)));
    }
    assertThat(out.events).isEmpty();
    for (int i = 15; i < 40; i++) {
      d.onEvent(event(AuditEventType.ISSUED, "orders", spike.plusSeconds(i)));
    }

    assertThat(out.single(SpikeDetector.ISSUANCE_SPIKE).source()).isEqualTo("orders");
    assertThat(out.evidence())
        .isEqualTo(
            "issuedOrRenewed=16, windowStart=2030-01-01T01:40:00Z, baseline=5.00, limit=15.00");
    assertThat(out.threshold())
        .isEqualTo("window=PT5M, factor=3.0, minimumCount=10, smoothing=0.3");
  }

  @Test
  void onEvent_whenFailuresBurstInANewSource_reportsFailureSpikeAtTheMinimumCount() {
    SpikeDetector d = SpikeDetector.builder().build(out);

    for (int i = 0; i < 30; i++) {
      d.onEvent(event(AuditEventType.REFRESH_FAILED, "orders", ofSeconds(i)));
    }

    out.single(SpikeDetector.FAILURE_SPIKE);
    assertThat(out.evidence()).startsWith("refreshFailed=11, ").contains("limit=10.00");
  }

  @Test
  void onEvent_steadyRefreshesEvery45MinutesForADay_reportsNothing() {
    SpikeDetector d = SpikeDetector.builder().build(out);

    for (Duration t = Duration.ZERO; t.compareTo(Duration.ofDays(1)) < 0; t = t.plusMinutes(45)) {
      d.onEvent(event(AuditEventType.RENEWED, "orders", t));
      d.onEvent(event(AuditEventType.REFRESH_FAILED, "orders", t.plusSeconds(1)));
      d.onEvent(event(AuditEventType.ISSUED, "orders", t.plusSeconds(2)));
    }

    assertThat(out.events).isEmpty();
  }

  @Test
  void onEvent_afterQuietWindows_theBaselineDecays() {
    SpikeDetector d = SpikeDetector.builder().minimumCount(1).build(out);
    steady(d, 1, 8); // baseline 8 after the first window
    out.events.clear(); // the first window, with no baseline, was itself over the minimum
    Duration later = Duration.ofHours(10); // 119 empty windows: the baseline is ~0

    d.onEvent(event(AuditEventType.ISSUED, "orders", later));
    d.onEvent(event(AuditEventType.ISSUED, "orders", later.plusSeconds(1)));

    out.single(SpikeDetector.ISSUANCE_SPIKE);
    assertThat(out.evidence()).startsWith("issuedOrRenewed=2, ").contains("baseline=0.00");
  }

  @Test
  void onEvent_trackingMoreSourcesThanTheCap_evictsTheLeastRecentlySeen() {
    SpikeDetector d = SpikeDetector.builder().maxTracked(100).build(out);

    for (int i = 0; i < 1_000; i++) {
      d.onEvent(event(AuditEventType.ISSUED, "source-" + i, ofSeconds(i)));
    }

    assertThat(d.tracked()).isEqualTo(100);
    assertThat(out.events).isEmpty();
  }

  @Test
  @SuppressWarnings("NullAway") // passes null on purpose
  void builder_rejectsBadSettingsNamingThem() {
    SpikeDetector.Builder b = SpikeDetector.builder();

    assertThatThrownBy(() -> b.window(Duration.ofMillis(500)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("window must be at least 1 s: PT0.5S");
    assertThatThrownBy(() -> b.factor(0.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("factor must be finite and at least 1: 0.5");
    assertThatThrownBy(() -> b.factor(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("factor ");
    assertThatThrownBy(() -> b.minimumCount(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("minimumCount must be at least 1: 0");
    assertThatThrownBy(() -> b.smoothing(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("smoothing must be in (0, 1]: 0.0");
    assertThatThrownBy(() -> b.maxTracked(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxTracked must be at least 1: 0");
    assertThatThrownBy(() -> b.build(null)).isInstanceOf(NullPointerException.class);
  }
}
