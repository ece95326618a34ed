package dev.ephemera.core.refresh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ephemera.core.CredentialUnavailableException;
import dev.ephemera.core.CredentialUnavailableException.Reason;
import dev.ephemera.core.testing.ManualTime;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

class BoundedWaitTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final ManualTime time = new ManualTime();
  private final BoundedWait waits = new BoundedWait("src", time.scheduler(), TIMEOUT);

  @Test
  void aDoneAttempt_isItsOwnAnswer_withoutATimer() {
    CompletableFuture<String> done = CompletableFuture.completedFuture("c");
    assertThat(waits.bounded(done)).isSameAs(done);
    assertThat(waits.await(done)).isEqualTo("c");
    assertThat(time.pendingTasks()).isZero();
  }

  @Test
  void anAttemptThatAnswersInTime_answersTheWaiter_andCancelsTheTimer() {
    CompletableFuture<String> attempt = new CompletableFuture<>();
    CompletableFuture<String> waiter = waits.bounded(attempt);
    assertThat(waiter).isNotDone();
    attempt.complete("c");
    assertThat(waiter).isCompletedWithValue("c");
    assertThat(time.pendingTasks()).isZero();
  }

  @Test
  void anAttemptThatTakesTooLong_timesOutOnTheInjectedScheduler_andIsLeftToFinish() {
    CompletableFuture<String> attempt = new CompletableFuture<>();
    CompletableFuture<String> waiter = waits.bounded(attempt);
    time.advance(TIMEOUT.minusMillis(1));
    assertThat(waiter).isNotDone();
    time.advance(Duration.ofMillis(1));
    assertThatThrownBy(waiter::join)
        .cause()
        .isInstanceOfSatisfying(
            CredentialUnavailableException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.TIMEOUT))
        .hasMessageContaining("'src'")
        .hasMessageContaining("within PT30S");
    assertThat(attempt).isNotDone();
  }

  @Test
  void aFailedAttempt_reachesTheWaiterClassified_andTheCallerAsAFreshException() {
    CompletableFuture<String> attempt = new CompletableFuture<>();
    CompletableFuture<String> waiter = waits.bounded(attempt);
    var shared = new CredentialUnavailableException(Reason.THROTTLED, "slow down");
    attempt.completeExceptionally(shared);
    assertThatThrownBy(waiter::join).cause().isSameAs(shared);
    assertThatThrownBy(() -> waits.await(attempt))
        .isInstanceOfSatisfying(
            CredentialUnavailableException.class,
            e -> {
              assertThat(e).isNotSameAs(shared).hasCause(shared);
              assertThat(e.reason()).isEqualTo(Reason.THROTTLED);
            });
    CompletableFuture<String> foreign = new CompletableFuture<>();
    CompletableFuture<String> other = waits.bounded(foreign);
    foreign.completeExceptionally(new IllegalStateException("boom"));
    assertThatThrownBy(other::join)
        .cause()
        .isInstanceOfSatisfying(
            CredentialUnavailableException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE));
  }

  @Test
  void withNoTimerToBeHad_theWaiterWaitsOnTheAttemptItself() {
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
    CompletableFuture<String> attempt = new CompletableFuture<>();
    assertThat(new BoundedWait("src", broken, TIMEOUT).bounded(attempt)).isSameAs(attempt);
  }

  @Test
  void aTimeoutOfCenturies_saturates_insteadOfOverflowing() {
    var forever = new BoundedWait("src", time.scheduler(), Duration.ofDays(365L * 300));
    CompletableFuture<String> attempt = new CompletableFuture<>();
    CompletableFuture<String> waiter = forever.bounded(attempt);
    time.advance(Duration.ofDays(365L * 200));
    assertThat(waiter).isNotDone();
    attempt.complete("c");
    assertThat(waiter).isCompletedWithValue("c");
  }
}
