package dev.ephemera.core.audit.detect;

import static dev.ephemera.core.audit.detect.Events.event;
import static java.time.Duration.ofMinutes;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ephemera.core.audit.AuditEventType;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FailureStreakDetectorTest {

  private final Events.Recorder out = new Events.Recorder();

  @Test
  void onEvent_afterFiveFailuresWithoutSuccess_reportsTheStreakOnce() {
    FailureStreakDetector d = FailureStreakDetector.builder().build(out);

    for (int i = 0; i < 12; i++) {
      d.onEvent(event(AuditEventType.REFRESH_FAILED, "orders", ofMinutes(i)));
      d.onEvent(event(AuditEventType.EXPIRED, "orders", ofMinutes(i).plusSeconds(1)));
    }

    assertThat(out.single(FailureStreakDetector.FAILURE_STREAK).time())
        .isEqualTo(Events.T0.plus(ofMinutes(4)));
    assertThat(out.evidence())
        .isEqualTo(
            "consecutiveFailures=5, since=2030-01-01T00:00:00Z, duration=PT4M,"
                + " lastError=CredentialUnavailableException/THROTTLED, terminal=false");
    assertThat(out.threshold()).isEqualTo("consecutiveFailures=5");
  }

  @Test
  void onEvent_aSuccessEndsTheStreak_andANewStreakIsReportedAgain() {
    FailureStreakDetector d = FailureStreakDetector.builder().failures(3).build(out);

    for (int round = 0; round < 2; round++) {
      Duration base = Duration.ofHours(round);
      for (int i = 0; i < 4; i++) {
        d.onEvent(event(AuditEventType.REFRESH_FAILED, "orders", base.plusMinutes(i)));
      }
      d.onEvent(event(AuditEventType.ISSUED, "orders", base.plusMinutes(5)));
    }

    assertThat(out.events).hasSize(2);
  }

  @Test
  void onEvent_steadyRefreshesEvery45MinutesForADayWithOccasionalFailures_reportsNothing() {
    FailureStreakDetector d = FailureStreakDetector.builder().build(out);

    for (Duration t = Duration.ZERO; t.compareTo(Duration.ofDays(1)) < 0; t = t.plusMinutes(45)) {
      for (int i = 0; i < 4; i++) { // four failed attempts, then the retry succeeds
        d.onEvent(event(AuditEventType.REFRESH_FAILED, "orders", t.plusSeconds(i)));
      }
      d.onEvent(event(AuditEventType.RENEWED, "orders", t.plusSeconds(10)));
    }

    assertThat(out.events).isEmpty();
  }

  @Test
  void onEvent_streaksAreCountedPerSource() {
    FailureStreakDetector d = FailureStreakDetector.builder().build(out);

    for (int i = 0; i < 20; i++) {
      d.onEvent(event(AuditEventType.REFRESH_FAILED, "source-" + (i % 5), ofSeconds(i)));
    }

    assertThat(out.events).isEmpty();
  }

  @Test
  void onEvent_trackingMoreSourcesThanTheCap_evictsTheLeastRecentlySeen() {
    FailureStreakDetector d = FailureStreakDetector.builder().maxTracked(50).build(out);

    for (int i = 0; i < 500; i++) {
      d.onEvent(event(AuditEventType.REFRESH_FAILED, "source-" + i, ofSeconds(i)));
    }

    assertThat(d.tracked()).isEqualTo(50);
  }

  @Test
  void builder_rejectsBadSettingsNamingThem() {
    assertThatThrownBy(() -> FailureStreakDetector.builder().failures(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("failures must be at least 1: 0");
    assertThatThrownBy(() -> FailureStreakDetector.builder().maxTracked(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxTracked must be at least 1: -1");
  }
}
