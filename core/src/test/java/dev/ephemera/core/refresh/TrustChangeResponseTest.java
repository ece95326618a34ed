package dev.ephemera.core.refresh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ephemera.core.BearerToken;
import dev.ephemera.core.CredentialSources;
import dev.ephemera.core.CredentialUnavailableException;
import dev.ephemera.core.CredentialUnavailableException.Reason;
import dev.ephemera.core.audit.AuditEvent;
import dev.ephemera.core.audit.AuditEventType;
import dev.ephemera.core.audit.AuditOutcome;
import dev.ephemera.core.audit.detect.TrustChangeDetector;
import dev.ephemera.core.testing.ManualTime;
import dev.ephemera.core.testing.RecordingListener;
import dev.ephemera.core.testing.ScriptedIssuer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TrustChangeResponseTest {
  private final ManualTime time = new ManualTime();
  private final ScriptedIssuer issuer =
      new ScriptedIssuer(time.clock()).lifetime(Duration.ofHours(1));
  private final RecordingListener audit = new RecordingListener();
  private final TrustChangeResponse respond = TrustChangeResponse.create();
  private RefreshingCredentialSource<BearerToken> source =
      CredentialSources.refreshing(issuer)
          .name("tc-source")
          .timebase(time)
          .auditListener(audit)
          .auditListener(respond)
          .build();

  @AfterEach
  void close() {
    source.close();
  }

  @Test
  void aTrustChangeAnomaly_revokesTheSourcesCredentialNow_andANewOneIsServed() {
    String old = source.get().id();

    respond.onEvent(
        AuditEvent.builder(AuditEventType.ANOMALY, AuditOutcome.FAILURE)
            .time(time.now())
            .source("tc-source")
            .attribute("anomaly", TrustChangeDetector.TRUST_CHANGE)
            .build());

    assertThat(issuer.revokedIds()).containsExactly(old);
    assertThat(source.get().id()).isNotEqualTo(old);
    assertThat(audit.ofType(AuditEventType.REVOKED)).hasSize(1);
  }

  @Test
  void anIdentityThatWorked_nowRejected_isNoLongerServed() {
    String old = source.get().id();
    issuer.failAlways(new CredentialUnavailableException(Reason.REJECTED, "AccessDenied"));

    source.refresh();

    assertThat(issuer.revokedIds()).containsExactly(old);
    assertThat(source.current()).isEmpty();
    assertThat(source.status().state().isServing()).isFalse();
  }

  @Test
  void otherAnomalies_andRejectionsOfASourceNeverIssued_areLeftAlone() {
    String old = source.get().id();
    respond.onEvent(
        AuditEvent.builder(AuditEventType.ANOMALY, AuditOutcome.FAILURE)
            .time(time.now())
            .source("tc-source")
            .attribute("anomaly", "issuance-spike")
            .build());
    respond.onEvent(
        AuditEvent.builder(AuditEventType.REFRESH_FAILED, AuditOutcome.FAILURE)
            .time(time.now())
            .source("tc-never-issued")
            .build());

    assertThat(issuer.revokedIds()).isEmpty();
    assertThat(source.get().id()).isEqualTo(old);
  }
}
