package dev.ephemera.core.refresh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ephemera.core.BearerToken;
import dev.ephemera.core.audit.AuditEventType;
import dev.ephemera.core.audit.AuditHost;
import dev.ephemera.core.audit.AuditOutcome;
import dev.ephemera.core.spi.CredentialIssuer;
import dev.ephemera.core.spi.IssuerInfo;
import dev.ephemera.core.testing.ManualTime;
import dev.ephemera.core.testing.RecordingListener;
import dev.ephemera.core.testing.ScriptedIssuer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

class RevocationsTest {
  private static final Duration GRACE = Duration.ofMinutes(2);

  private final ManualTime time = new ManualTime();
  private final RecordingListener recorder = new RecordingListener();
  private final ScriptedIssuer issuer = new ScriptedIssuer(time.clock());

  private Revocations<BearerToken> revocations(
      CredentialIssuer<BearerToken> from, Duration delay, Scheduler s) {
    SourceAudit audit =
        new SourceAudit("src", from, time.clock(), AuditHost.local(), s, List.of(recorder), 100);
    return new Revocations<>(from, delay, s, time.ticker(), audit, new ReentrantLock());
  }

  private Revocations<BearerToken> revocations(Duration delay) {
    return revocations(issuer, delay, time.scheduler());
  }

  @Test
  void withoutAGracePeriod_aRetiredCredentialIsRevokedAtOnce_andAudited() {
    BearerToken old = issuer.issue();
    revocations(Duration.ZERO).retire(old);
    assertThat(issuer.revokedIds()).containsExactly(old.id());
    assertThat(recorder.ofType(AuditEventType.REVOKED))
        .singleElement()
        .satisfies(e -> assertThat(e.outcome()).isEqualTo(AuditOutcome.SUCCESS));
    assertThat(time.pendingTasks()).isZero();
  }

  @Test
  void withAGracePeriod_theRevocationWaitsForIt() {
    BearerToken old = issuer.issue();
    revocations(GRACE).retire(old);
    time.advance(GRACE.minusMillis(1));
    assertThat(issuer.revokedIds()).isEmpty();
    time.advance(Duration.ofMillis(1));
    assertThat(issuer.revokedIds()).containsExactly(old.id());
    assertThat(recorder.count(AuditEventType.REVOKED)).isEqualTo(1);
  }

  @Test
  void onClose_theWaitingOnesAreRevokedAtOnce_theirTimersCancelled_andLaterOnesRefused() {
    Revocations<BearerToken> r = revocations(GRACE);
    BearerToken first = issuer.issue();
    BearerToken second = issuer.issue();
    r.retire(first);
    r.retire(second);
    assertThat(time.pendingTasks()).isEqualTo(2);
    var waiting = r.closeLocked();
    r.revokeAtOnce(waiting);
    assertThat(issuer.revokedIds()).containsExactly(first.id(), second.id());
    assertThat(time.pendingTasks()).isZero();
    r.retire(issuer.issue());
    time.advance(GRACE.multipliedBy(2));
    assertThat(issuer.revokedIds()).as("retired after close: not this one's job").hasSize(2);
  }

  @Test
  void withNoTimerToBeHad_theRevocationHappensAtOnce_ratherThanNever() {
    Scheduler broken =
        new Scheduler() {
          @Override
          public Task schedule(Runnable task, Duration delay) {
            throw new IllegalStateException("timer gone");
          }

          @Override
          public Executor workers() {
            return Runnable::run;
          }

          @Override
          public Executor auditDelivery() {
            return Runnable::run;
          }
        };
    BearerToken old = issuer.issue();
    revocations(issuer, GRACE, broken).retire(old);
    assertThat(issuer.revokedIds()).containsExactly(old.id());
  }

  @Test
  void aFailingRevocation_isAuditedAsAFailure_andNeverThrows() {
    CredentialIssuer<BearerToken> failing =
        new CredentialIssuer<>() {
          @Override
          public BearerToken issue() {
            return issuer.issue();
          }

          @Override
          public boolean revoke(BearerToken credential) {
            throw new IllegalStateException("upstream said token=CANARY-SECRET");
          }

          @Override
          public IssuerInfo describe() {
            return issuer.describe();
          }
        };
    revocations(failing, Duration.ZERO, time.scheduler()).retire(failing.issue());
    assertThat(recorder.ofType(AuditEventType.REVOKED))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.outcome()).isEqualTo(AuditOutcome.FAILURE);
              assertThat(e.error().orElseThrow().reason()).isEqualTo("UNAVAILABLE");
            });
    assertThat(recorder.allJson()).doesNotContain("CANARY-SECRET");
  }

  @Test
  void anIssuerThatCannotRevoke_leavesNoEvent() {
    CredentialIssuer<BearerToken> plain = CredentialIssuer.of(issuer.describe(), issuer::issue);
    revocations(plain, Duration.ZERO, time.scheduler()).retire(plain.issue());
    assertThat(recorder.events()).isEmpty();
  }
}
