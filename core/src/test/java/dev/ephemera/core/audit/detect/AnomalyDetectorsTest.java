package dev.ephemera.core.audit.detect;

import static dev.ephemera.core.audit.detect.Events.at;
import static dev.ephemera.core.audit.detect.Events.credential;
import static dev.ephemera.core.audit.detect.Events.event;
import static java.time.Duration.ofHours;
import static java.time.Duration.ofMinutes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ephemera.core.audit.AuditEvent;
import dev.ephemera.core.audit.AuditEventType;
import dev.ephemera.core.audit.AuditListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnomalyDetectorsTest {

  private final Events.Recorder out = new Events.Recorder();

  @Test
  void standard_feedsEveryDetector() {
    AuditListener all = AnomalyDetectors.standard(out);

    all.onEvent(
        at(AuditEventType.ISSUED, "orders", ofMinutes(0))
            .credential(credential("c1", ofMinutes(0), ofHours(24)))
            .build());
    for (int i = 1; i <= 5; i++) {
      all.onEvent(event(AuditEventType.REFRESH_FAILED, "orders", ofMinutes(i)));
    }

    assertThat(out.events)
        .extracting(e -> e.attributes().get("anomaly"))
        .containsExactly("lifetime-over-policy", "failure-streak");
  }

  @Test
  void standard_steadyRefreshesEvery45MinutesForADay_reportNothing() {
    AuditListener all = AnomalyDetectors.standard(out);

    int i = 0;
    for (Duration t = Duration.ZERO; t.compareTo(Duration.ofDays(1)) < 0; t = t.plusMinutes(45)) {
      all.onEvent(
          at(i == 0 ? AuditEventType.ISSUED : AuditEventType.RENEWED, "orders", t)
              .credential(credential("c" + i, t, ofHours(1)))
              .build());
      all.onEvent(event(AuditEventType.REFRESH_FAILED, "orders", t.plusSeconds(1)));
      if (i > 0) {
        all.onEvent(
            at(AuditEventType.REVOKED, "orders", t.plusMinutes(1))
                .credentialId("c" + (i - 1))
                .build());
      }
      i++;
    }

    assertThat(out.events).isEmpty();
  }

  @Test
  void of_handsEachEventToAll_evenWhenOneThrows() {
    List<AuditEvent> seen = new ArrayList<>();
    AuditListener all =
        AnomalyDetectors.of(
            e -> {
              throw new IllegalStateException("broken");
            },
            seen::add);
    AuditEvent e = event(AuditEventType.ISSUED, "orders", ofMinutes(0));

    all.onEvent(e);

    assertThat(seen).containsExactly(e);
  }
}
