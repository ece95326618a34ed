package dev.ephemera.core.audit.detect;

import static dev.ephemera.core.audit.detect.Events.at;
import static dev.ephemera.core.audit.detect.Events.event;
import static java.time.Duration.ofMinutes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ephemera.core.audit.AuditEventType;
import dev.ephemera.core.audit.AuditHost;
import dev.ephemera.core.spi.IssuerInfo;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TrustChangeDetectorTest {

  private final Events.Recorder out = new Events.Recorder();

  @Test
  void onEvent_whenTheTargetChanges_reportsFieldPreviousAndNewOnce() {
    TrustChangeDetector d = TrustChangeDetector.builder().build(out);
    d.onEvent(event(AuditEventType.ISSUED, "orders", ofMinutes(0)));

    IssuerInfo admin =
        IssuerInfo.of(
            Events.ISSUER.provider(),
            Events.ISSUER.principal(),
            "arn:aws:iam::123456789012:role/admin");
    d.onEvent(at(AuditEventType.RENEWED, "orders", ofMinutes(45)).issuer(admin).build());
    d.onEvent(at(AuditEventType.RENEWED, "orders", ofMinutes(90)).issuer(admin).build());

    out.single(TrustChangeDetector.TRUST_CHANGE);
    assertThat(out.evidence())
        .isEqualTo(
            "field=target, previous=arn:aws:iam::123456789012:role/api,"
                + " new=arn:aws:iam::123456789012:role/admin");
    assertThat(out.threshold())
        .isEqualTo("allowedChanges=0, fields=principal|target|hostname|pod|namespace");
  }

  @Test
  void onEvent_whenThePodMoves_reportsTheHostField() {
    TrustChangeDetector d = TrustChangeDetector.builder().build(out);
    d.onEvent(event(AuditEventType.ISSUED, "orders", ofMinutes(0)));

    d.onEvent(
        at(AuditEventType.RENEWED, "orders", ofMinutes(45))
            .host(new AuditHost("node-1", "api-0", "kube-system", 4242))
            .build());

    out.single(TrustChangeDetector.TRUST_CHANGE);
    assertThat(out.evidence()).isEqualTo("field=namespace, previous=payments, new=kube-system");
  }

  @Test
  void onEvent_steadyRefreshesAndSecretReadsForADay_reportNothing() {
    TrustChangeDetector d = TrustChangeDetector.builder().build(out);

    for (Duration t = Duration.ZERO; t.compareTo(Duration.ofDays(1)) < 0; t = t.plusMinutes(45)) {
      d.onEvent(event(AuditEventType.RENEWED, "orders", t));
      // a secret read's target is the path read: it changes with every path
      d.onEvent(
          at(AuditEventType.SECRET_READ, "orders", t.plusMinutes(1))
              .issuer(IssuerInfo.of("vault-kv", Events.ISSUER.principal(), "secret/p" + t))
              .build());
      // an event whose issuer could not be described says nothing
      d.onEvent(
          at(AuditEventType.CLOSED, "orders", t.plusMinutes(2))
              .issuer(IssuerInfo.of("unknown", "", ""))
              .build());
    }

    assertThat(out.events).isEmpty();
  }

  @Test
  void onEvent_withHostFieldsLeftOut_ignoresAFleetOfPods() {
    TrustChangeDetector d =
        TrustChangeDetector.builder()
            .fields(
                EnumSet.of(TrustChangeDetector.Field.PRINCIPAL, TrustChangeDetector.Field.TARGET))
            .build(out);

    for (int pod = 0; pod < 10; pod++) {
      d.onEvent(
          at(AuditEventType.ISSUED, "orders", ofMinutes(pod))
              .host(new AuditHost("node-" + pod, "api-" + pod, "payments", pod))
              .build());
    }

    assertThat(out.events).isEmpty();
  }

  @Test
  void onEvent_trackingMoreSourcesThanTheCap_evictsTheLeastRecentlySeen() {
    TrustChangeDetector d = TrustChangeDetector.builder().maxTracked(100).build(out);

    for (int i = 0; i < 1_000; i++) {
      d.onEvent(event(AuditEventType.ISSUED, "source-" + i, ofMinutes(i)));
    }

    assertThat(d.tracked()).isEqualTo(100);
  }

  @Test
  void builder_rejectsBadSettingsNamingThem() {
    assertThatThrownBy(() -> TrustChangeDetector.builder().fields(Set.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("fields must not be empty");
    assertThatThrownBy(() -> TrustChangeDetector.builder().maxTracked(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxTracked must be at least 1: 0");
  }
}
