package dev.ephemera.core.audit.detect;

import static dev.ephemera.core.audit.detect.Events.event;
import static java.time.Duration.ofMinutes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.ephemera.core.audit.AuditEvent;
import dev.ephemera.core.audit.AuditEventType;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AnomaliesTest {

  @Test
  void observe_reportsAnAnomalyCarryingTheTriggersFields() {
    Events.Recorder out = new Events.Recorder();
    AuditEvent trigger =
        Events.at(AuditEventType.ISSUED, "orders", ofMinutes(3)).credentialId("AKIA1").build();

    new Anomalies(out)
        .observe(trigger, (e, found) -> found.report("some-kind", "count=3", "limit=2"));

    AuditEvent a = out.single("some-kind");
    assertThat(a.time()).isEqualTo(trigger.time());
    assertThat(a.outcome()).isEqualTo(trigger.outcome());
    assertThat(a.source()).isEqualTo("orders");
    assertThat(a.provider()).isEqualTo(Events.ISSUER.provider());
    assertThat(a.principal()).isEqualTo(Events.ISSUER.principal());
    assertThat(a.target()).isEqualTo(Events.ISSUER.target());
    assertThat(a.host()).isEqualTo(Events.HOST);
    assertThat(a.credentialId()).contains("AKIA1");
    assertThat(a.attributes())
        .containsEntry("evidence", "count=3")
        .containsEntry("threshold", "limit=2")
        .containsEntry("triggerEventId", trigger.id());
  }

  @Test
  void observe_whenTheCheckThrows_ignoresTheEvent() {
    Events.Recorder out = new Events.Recorder();

    assertThatCode(
            () ->
                new Anomalies(out)
                    .observe(
                        event(AuditEventType.ISSUED, "s", ofMinutes(0)),
                        (e, found) -> {
                          found.report("k", "", "");
                          throw new IllegalStateException("bad event");
                        }))
        .doesNotThrowAnyException();
    assertThat(out.events).isEmpty();
  }

  @Test
  void observe_whenDownstreamThrows_doesNotThrow() {
    Anomalies a =
        new Anomalies(
            e -> {
              throw new IllegalStateException("downstream down");
            });

    assertThatCode(
            () ->
                a.observe(
                    event(AuditEventType.ISSUED, "s", ofMinutes(0)),
                    (e, found) -> found.report("k", "", "")))
        .doesNotThrowAnyException();
  }

  @Test
  void observe_neverChecksAnomalyEvents() {
    Events.Recorder out = new Events.Recorder();

    new Anomalies(out)
        .observe(
            event(AuditEventType.ANOMALY, "s", ofMinutes(0)),
            (e, found) -> found.report("loop", "", ""));

    assertThat(out.events).isEmpty();
  }

  @Test
  void lru_evictsTheLeastRecentlyAccessed() {
    Map<String, Integer> m = Anomalies.lru(2);
    m.put("a", 1);
    m.put("b", 2);
    m.get("a");
    m.put("c", 3);

    assertThat(m).containsOnlyKeys("a", "c");
  }

  @Test
  void facts_joinsKeysAndValues() {
    assertThat(Anomalies.facts("count", 3, "path", "kv/app")).isEqualTo("count=3, path=kv/app");
  }
}
