package dev.ephemera.core.audit.detect;

import static dev.ephemera.core.audit.detect.Events.at;
import static java.time.Duration.ofMinutes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ephemera.core.audit.AuditEvent;
import dev.ephemera.core.audit.AuditEventType;
import dev.ephemera.core.audit.AuditOutcome;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class UseAfterRevokeDetectorTest {

  private final Events.Recorder out = new Events.Recorder();

  private static AuditEvent use(AuditEventType type, String id, Duration t) {
    return at(type, "orders:kv", t).credentialId(id).build();
  }

  @Test
  void onEvent_whenARevokedCredentialIsUsed_reportsItOnce() {
    UseAfterRevokeDetector d = UseAfterRevokeDetector.builder().build(out);
    d.onEvent(at(AuditEventType.REVOKED, "orders", ofMinutes(10)).credentialId("hvs.acc1").build());

    d.onEvent(use(AuditEventType.SECRET_READ, "hvs.acc1", ofMinutes(12)));
    d.onEvent(use(AuditEventType.SECRET_READ, "hvs.acc1", ofMinutes(13)));

    assertThat(out.single(UseAfterRevokeDetector.USE_AFTER_REVOKE).credentialId())
        .contains("hvs.acc1");
    assertThat(out.evidence())
        .isEqualTo(
            "credentialId=hvs.acc1, use=SECRET_READ, revokedAt=2030-01-01T00:10:00Z,"
                + " revokedBy=orders, usedAfter=PT2M");
    assertThat(out.threshold()).isEqualTo("usesAllowedAfterRevoke=0");
  }

  @Test
  void onEvent_rotationWithRevocationOfTheSupersededCredential_reportsNothing() {
    UseAfterRevokeDetector d = UseAfterRevokeDetector.builder().build(out);

    for (int i = 0; i < 32; i++) { // every 45 minutes a new credential; the old one revoked
      Duration t = ofMinutes(45L * i);
      d.onEvent(use(AuditEventType.ISSUED, "cred-" + i, t));
      d.onEvent(use(AuditEventType.SECRET_READ, "cred-" + i, t.plusMinutes(1)));
      if (i > 0) {
        d.onEvent(
            at(AuditEventType.REVOKED, "orders", t.plusMinutes(2))
                .credentialId("cred-" + (i - 1))
                .build());
      }
    }
    // a read made before the revocation but delivered after it is not a use after revoke
    d.onEvent(use(AuditEventType.SECRET_READ, "cred-0", ofMinutes(44)));

    assertThat(out.events).isEmpty();
  }

  @Test
  void onEvent_aFailedRevocationLeavesTheCredentialUsable() {
    UseAfterRevokeDetector d = UseAfterRevokeDetector.builder().build(out);
    d.onEvent(
        AuditEvent.builder(AuditEventType.REVOKED, AuditOutcome.FAILURE)
            .time(Events.T0)
            .credentialId("c1")
            .build());

    d.onEvent(use(AuditEventType.RENEWED, "c1", ofMinutes(1)));

    assertThat(out.events).isEmpty();
  }

  @Test
  void onEvent_trackingMoreRevocationsThanTheCap_evictsTheLeastRecentlySeen() {
    UseAfterRevokeDetector d = UseAfterRevokeDetector.builder().maxTracked(10).build(out);

    for (int i = 0; i < 100; i++) {
      d.onEvent(at(AuditEventType.REVOKED, "s", ofMinutes(i)).credentialId("c" + i).build());
    }

    assertThat(d.tracked()).isEqualTo(10);
  }

  @Test
  void builder_rejectsBadSettingsNamingThem() {
    assertThatThrownBy(() -> UseAfterRevokeDetector.builder().maxTracked(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxTracked must be at least 1: 0");
  }
}
