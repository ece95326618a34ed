package dev.ephemera.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ephemera.core.BearerToken;
import dev.ephemera.core.CredentialUnavailableException;
import dev.ephemera.core.CredentialUnavailableException.Reason;
import dev.ephemera.core.audit.AuditEvent;
import dev.ephemera.core.audit.AuditEventType;
import dev.ephemera.core.audit.AuditOutcome;
import dev.ephemera.testkit.time.VirtualTime;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FakeIssuerTest {
  private final VirtualTime time = VirtualTime.create();

  @Test
  void issues_numberedCredentials_onTheInjectedClock() {
    FakeIssuer issuer = FakeIssuer.builder(time.clock()).lifetime(Duration.ofMinutes(5)).build();
    BearerToken a = issuer.issue();
    BearerToken b = issuer.issue();
    assertThat(a.id()).isEqualTo("fake-1");
    assertThat(b.id()).isEqualTo("fake-2");
    assertThat(a.expiresAt()).isEqualTo(time.now().plus(Duration.ofMinutes(5)));
    assertThat(issuer.issued()).isEqualTo(2);
  }

  @Test
  void scriptedFailures_comeInOrder_andStandingOnesUntilRecovered() {
    FakeIssuer issuer = FakeIssuer.builder(time.clock()).build();
    var throttled = new CredentialUnavailableException(Reason.THROTTLED, "slow");
    issuer.failNext(throttled);
    assertThatThrownBy(issuer::issue).isSameAs(throttled);
    assertThat(issuer.issue()).isNotNull();
    issuer.failAlways(new IllegalStateException("down"));
    assertThatThrownBy(issuer::issue).isInstanceOf(IllegalStateException.class);
    issuer.recover();
    assertThat(issuer.issue()).isNotNull();
  }

  @Test
  void renewal_extendsUpToMaxTtl_thenStops() {
    FakeIssuer issuer =
        FakeIssuer.builder(time.clock())
            .lifetime(Duration.ofHours(1))
            .renewableUpTo(Duration.ofHours(2))
            .build();
    BearerToken t = issuer.issue();
    time.advance(Duration.ofMinutes(90));
    BearerToken renewed = issuer.renew(t).orElseThrow();
    assertThat(renewed.id()).isEqualTo(t.id());
    assertThat(renewed.expiresAt()).isEqualTo(t.issuedAt().plus(Duration.ofHours(2)));
    time.advance(Duration.ofMinutes(31));
    assertThat(issuer.renew(t)).isEmpty();
    assertThat(FakeIssuer.builder(time.clock()).build().renew(t)).isEmpty();
  }

  @Test
  void revocations_areRecorded() {
    FakeIssuer issuer = FakeIssuer.builder(time.clock()).build();
    BearerToken t = issuer.issue();
    assertThat(issuer.revoke(t)).isTrue();
    assertThat(issuer.revokedIds()).containsExactly("fake-1");
  }

  @Test
  void recordingAuditListener_keepsEventsByType() {
    RecordingAuditListener rec = new RecordingAuditListener();
    rec.onEvent(
        AuditEvent.builder(AuditEventType.ISSUED, AuditOutcome.SUCCESS).time(time.now()).build());
    rec.onEvent(
        AuditEvent.builder(AuditEventType.CLOSED, AuditOutcome.SUCCESS).time(time.now()).build());
    assertThat(rec.count(AuditEventType.ISSUED)).isEqualTo(1);
    assertThat(rec.ofType(AuditEventType.CLOSED)).hasSize(1);
    assertThat(rec.allJson().lines()).hasSize(2);
    rec.clear();
    assertThat(rec.events()).isEmpty();
  }
}
