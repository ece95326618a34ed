package dev.ephemera.core.refresh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ephemera.core.BearerToken;
import dev.ephemera.core.CredentialException;
import dev.ephemera.core.CredentialUnavailableException;
import dev.ephemera.core.CredentialUnavailableException.Reason;
import dev.ephemera.core.Secret;
import dev.ephemera.core.audit.AuditEvent;
import dev.ephemera.core.audit.AuditEventType;
import dev.ephemera.core.audit.AuditHost;
import dev.ephemera.core.audit.AuditOutcome;
import dev.ephemera.core.spi.CredentialIssuer;
import dev.ephemera.core.spi.IssueResult;
import dev.ephemera.core.spi.IssuerInfo;
import dev.ephemera.core.testing.ManualTime;
import dev.ephemera.core.testing.RecordingListener;
import dev.ephemera.core.testing.ScriptedIssuer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SourceAuditTest {
  private static final Duration MARGIN = Duration.ofSeconds(60);

  private final ManualTime time = new ManualTime();
  private final RecordingListener recorder = new RecordingListener();
  private final ScriptedIssuer issuer = new ScriptedIssuer(time.clock()).provider("prov");

  private SourceAudit audit(CredentialIssuer<?> from, Clock clock) {
    return new SourceAudit(
        "src", from, clock, AuditHost.local(), time.scheduler(), List.of(recorder), 100);
  }

  private SourceAudit audit() {
    return audit(issuer, time.clock());
  }

  private BearerToken token(Instant issuedAt, Instant expiresAt) {
    return BearerToken.builder()
        .token(Secret.of("CANARY-SECRET"))
        .id("tok-1")
        .issuedAt(issuedAt)
        .expiresAt(expiresAt)
        .build();
  }

  private AuditEvent only() {
    assertThat(recorder.events()).hasSize(1);
    return recorder.events().get(0);
  }

  @Test
  void received_isIssuedForARotation_renewedOtherwise_stampedWithSourceIssuerTimeAndHints() {
    SourceAudit audit = audit();
    BearerToken t = token(time.now(), time.now().plusSeconds(3600));
    audit.received(
        true,
        IssueResult.of(t).withRefreshIn(Duration.ofMinutes(30)).withStaleIn(Duration.ofMinutes(50)),
        1_000_000,
        2);
    AuditEvent issued = only();
    assertThat(issued.type()).isEqualTo(AuditEventType.ISSUED);
    assertThat(issued.outcome()).isEqualTo(AuditOutcome.SUCCESS);
    assertThat(issued.source()).isEqualTo("src");
    assertThat(issued.provider()).isEqualTo("prov");
    assertThat(issued.time()).isEqualTo(time.now());
    assertThat(issued.credentialId()).contains("tok-1");
    assertThat(issued.latency()).contains(Duration.ofMillis(1));
    assertThat(issued.attempt()).isEqualTo(2);
    assertThat(issued.attributes())
        .containsEntry("refreshHintSeconds", "1800")
        .containsEntry("staleHintSeconds", "3000");
    audit.received(false, IssueResult.of(t), 0, 1);
    assertThat(recorder.events().get(1).type()).isEqualTo(AuditEventType.RENEWED);
    assertThat(recorder.events().get(1).attributes()).doesNotContainKey("refreshHintSeconds");
    assertThat(recorder.allJson()).doesNotContain("CANARY-SECRET");
  }

  @Test
  void refreshFailed_carriesTheClassifiedErrorAndThePlannedRetry() {
    SourceAudit audit = audit();
    var cause = new CredentialException("bad token file");
    audit.refreshFailed(
        new CredentialUnavailableException(Reason.REJECTED, "denied", cause),
        -5,
        3,
        Duration.ofSeconds(2));
    AuditEvent e = only();
    assertThat(e.type()).isEqualTo(AuditEventType.REFRESH_FAILED);
    assertThat(e.latency()).as("never negative").contains(Duration.ZERO);
    assertThat(e.attributes()).containsEntry("retryInMs", "2000");
    assertThat(e.error())
        .hasValueSatisfying(
            err -> {
              assertThat(err.type()).as("the origin's class").isEqualTo("CredentialException");
              assertThat(err.reason()).isEqualTo("REJECTED");
              assertThat(err.terminal()).isTrue();
            });
    audit.refreshFailed(new CredentialUnavailableException(Reason.UNAVAILABLE, "503"), 0, 1, null);
    assertThat(recorder.events().get(1).attributes()).doesNotContainKey("retryInMs");
  }

  @Test
  void revokeFailed_classifiesAForeignFailure_andSanitizesIt() {
    SourceAudit audit = audit();
    BearerToken t = token(time.now(), time.now().plusSeconds(60));
    audit.revokeFailed(t, 0, new IllegalStateException("token=CANARY-SECRET"));
    AuditEvent e = only();
    assertThat(e.type()).isEqualTo(AuditEventType.REVOKED);
    assertThat(e.outcome()).isEqualTo(AuditOutcome.FAILURE);
    assertThat(e.error()).hasValueSatisfying(err -> assertThat(err.terminal()).isFalse());
    assertThat(recorder.allJson()).doesNotContain("CANARY-SECRET");
  }

  @Test
  void anEventThatCannotBeBuilt_isCountedAsDropped_andNothingThrows() {
    Clock broken =
        new Clock() {
          @Override
          public ZoneId getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            throw new IllegalStateException("no time");
          }
        };
    SourceAudit audit = audit(issuer, broken);
    audit.closed();
    audit.expired(token(time.now(), time.now().plusSeconds(60)), null);
    assertThat(recorder.events()).isEmpty();
    assertThat(audit.dropped()).isEqualTo(2);
  }

  @Test
  void expired_namesTheRefreshFailureThatLeftTheCredentialUnreplaced() {
    SourceAudit audit = audit();
    audit.expired(
        token(time.now(), time.now().plusSeconds(60)),
        new CredentialUnavailableException(Reason.THROTTLED, "429 from the upstream"));
    AuditEvent e = only();
    assertThat(e.type()).isEqualTo(AuditEventType.EXPIRED);
    assertThat(e.outcome()).isEqualTo(AuditOutcome.FAILURE);
    assertThat(e.error())
        .hasValueSatisfying(err -> assertThat(err.reason()).isEqualTo("THROTTLED"));
  }

  @Test
  void expired_withNoFailureBehindIt_carriesNoError() {
    SourceAudit audit = audit();
    audit.expired(token(time.now(), time.now().plusSeconds(60)), null);
    assertThat(only().error()).isEmpty();
  }

  @Test
  void anIssuerThatCannotDescribeItself_isAuditedAsUnknown() {
    CredentialIssuer<BearerToken> mute =
        new CredentialIssuer<>() {
          @Override
          public BearerToken issue() {
            throw new UnsupportedOperationException();
          }

          @Override
          public IssuerInfo describe() {
            throw new IllegalStateException("no");
          }
        };
    audit(mute, time.clock()).closed();
    assertThat(only().provider()).isEqualTo("unknown");
  }

  @Test
  void withoutListeners_nothingIsBuilt() {
    AtomicInteger described = new AtomicInteger();
    CredentialIssuer<BearerToken> counting =
        new CredentialIssuer<>() {
          @Override
          public BearerToken issue() {
            throw new UnsupportedOperationException();
          }

          @Override
          public IssuerInfo describe() {
            described.incrementAndGet();
            return IssuerInfo.of("p", "", "");
          }
        };
    var silent =
        new SourceAudit(
            "src", counting, time.clock(), AuditHost.local(), time.scheduler(), List.of(), 100);
    silent.closed();
    silent.awaitDelivery();
    assertThat(described).hasValue(0);
    assertThat(silent.dropped()).isZero();
  }

  @Test
  void skewAgainstTheUpstreamsClock_isAnAnomaly_onlyBeyondTheTolerance() {
    SourceAudit audit = audit();
    Instant now = time.now();
    BearerToken t = token(now, now.plusSeconds(3600));
    audit.reportSkew(t, now, now.minusSeconds(59), MARGIN);
    assertThat(recorder.events()).isEmpty();
    audit.reportSkew(t, now, now.minus(Duration.ofHours(2)), MARGIN);
    AuditEvent e = only();
    assertThat(e.type()).isEqualTo(AuditEventType.ANOMALY);
    assertThat(e.attributes())
        .containsEntry("anomaly", "clock-skew")
        .containsEntry("skewSeconds", "7200")
        .containsEntry("upstreamTime", now.minus(Duration.ofHours(2)).toString());
  }

  @Test
  void withoutAnUpstreamClock_aCredentialWorthLessThanStated_isAnAnomaly() {
    SourceAudit audit = audit();
    Instant now = time.now();
    audit.reportSkew(token(now.plusSeconds(600), now.plusSeconds(4200)), now, null, MARGIN);
    assertThat(recorder.events()).as("worth more locally: not reported").isEmpty();
    audit.reportSkew(token(now.minusSeconds(30), now.plusSeconds(3570)), now, null, MARGIN);
    assertThat(recorder.events()).as("within the tolerance").isEmpty();
    audit.reportSkew(token(now.minusSeconds(600), now.plusSeconds(3000)), now, null, MARGIN);
    assertThat(only().attributes())
        .containsEntry("anomaly", "lifetime-shorter-than-stated")
        .containsEntry("skewSeconds", "600");
  }

  @Test
  void subscriberFailed_isAnAnomalyNamingTheFailure() {
    SourceAudit audit = audit();
    audit.subscriberFailed(
        token(time.now(), time.now().plusSeconds(60)), new IllegalStateException("pool"));
    AuditEvent e = only();
    assertThat(e.attributes()).containsEntry("anomaly", "subscriber-failed");
    assertThat(e.error())
        .hasValueSatisfying(err -> assertThat(err.type()).isEqualTo("IllegalStateException"));
  }
}
