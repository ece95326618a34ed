package dev.ephemera.core.refresh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ephemera.core.BearerToken;
import dev.ephemera.core.CredentialConfigurationException;
import dev.ephemera.core.CredentialException;
import dev.ephemera.core.CredentialUnavailableException;
import dev.ephemera.core.CredentialUnavailableException.Reason;
import dev.ephemera.core.Secret;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class FailuresTest {
  private static final String JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXZhbHVl";

  @Test
  void classify_returnsATypedFailureAsItIs() {
    var typed = new CredentialUnavailableException(Reason.THROTTLED, "slow down");
    assertThat(Failures.classify(typed)).isSameAs(typed);
  }

  @Test
  void classify_aConfigurationError_isConfiguration_withTheOriginalAsCause() {
    var bad = new CredentialConfigurationException("roleArn", "is missing");
    CredentialUnavailableException e = Failures.classify(bad);
    assertThat(e.reason()).isEqualTo(Reason.CONFIGURATION);
    assertThat(e.isTerminal()).isTrue();
    assertThat(e).hasCause(bad).hasMessage(bad.getMessage());
  }

  @Test
  void classify_anyOtherCredentialException_isUnavailable() {
    var other = new CredentialException("token file unreadable");
    CredentialUnavailableException e = Failures.classify(other);
    assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE);
    assertThat(e).hasCause(other).hasMessage("token file unreadable");
  }

  @Test
  void classify_aForeignThrowable_isTransient_andScrubbedOfSecrets() {
    for (Throwable foreign :
        new Throwable[] {
          new IllegalStateException("upstream said token=CANARY-SECRET and " + JWT),
          new StackOverflowError("token=CANARY-SECRET " + JWT)
        }) {
      CredentialUnavailableException e = Failures.classify(foreign);
      assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE);
      assertThat(e.isTerminal()).isFalse();
      assertThat(e.getMessage()).startsWith("the issuer failed: ");
      for (Throwable t = e; t != null; t = t.getCause()) {
        assertThat(String.valueOf(t.getMessage()))
            .doesNotContain("CANARY-SECRET")
            .doesNotContain(JWT);
        assertThat(t).isNotSameAs(foreign);
      }
    }
  }

  @Test
  void unwrap_looksInsideACompletionException_andNamesAMissingCause() {
    var typed = new CredentialUnavailableException(Reason.REJECTED, "AccessDenied");
    assertThat(Failures.unwrap(new CompletionException(typed))).isSameAs(typed);
    assertThat(Failures.unwrap(typed)).isSameAs(typed);
    assertThat(Failures.unwrap(new CompletionException("no cause", null)).reason())
        .isEqualTo(Reason.UNAVAILABLE);
    assertThat(Failures.unwrap(null))
        .hasMessage("unknown failure")
        .satisfies(e -> assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE));
  }

  @Test
  void messageOf_fallsBackToTheClassName() {
    assertThat(Failures.messageOf(new IllegalStateException("said so"))).isEqualTo("said so");
    assertThat(Failures.messageOf(new IllegalStateException())).isEqualTo("IllegalStateException");
  }

  @Test
  void forCaller_isAFreshException_withTheSameReasonAndRetryAfter_andTheSharedOneAsCause() {
    var shared =
        new CredentialUnavailableException(
            Reason.THROTTLED, "Throttling", Duration.ofSeconds(7), null);
    CredentialUnavailableException mine = Failures.forCaller(shared);
    assertThat(mine).isNotSameAs(shared).hasCause(shared).hasMessage("Throttling");
    assertThat(mine.reason()).isEqualTo(Reason.THROTTLED);
    assertThat(mine.retryAfter()).contains(Duration.ofSeconds(7));
  }

  @Test
  void theEnginesOwnFailures_carryTheirReasonAndNameTheSource() {
    assertThat(Failures.closed("s"))
        .hasMessageContaining("'s'")
        .satisfies(e -> assertThat(e.reason()).isEqualTo(Reason.CLOSED));
    assertThat(Failures.timedOut("s", Duration.ofSeconds(30)))
        .hasMessageContaining("'s'")
        .hasMessageContaining("within PT30S")
        .satisfies(e -> assertThat(e.reason()).isEqualTo(Reason.TIMEOUT));
    var interrupted = new InterruptedException();
    assertThat(Failures.interrupted("s", interrupted))
        .hasCause(interrupted)
        .satisfies(e -> assertThat(e.reason()).isEqualTo(Reason.TIMEOUT));
    assertThat(Failures.rejectedByExecutor(new IllegalStateException("pool shut down")))
        .hasMessageContaining("rejected")
        .satisfies(e -> assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE));
    assertThat(Failures.beyondUpstream("s", Duration.ofHours(2), Duration.ofMinutes(59).toNanos()))
        .hasMessageContaining("PT2H")
        .hasMessageContaining("PT59M")
        .satisfies(e -> assertThat(e.reason()).isEqualTo(Reason.CONFIGURATION));
    assertThat(Failures.tooShort("s", Duration.ofHours(2), null))
        .hasMessageContaining("PT2H")
        .satisfies(e -> assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE));
  }

  @Test
  void alreadyExpired_isMalformed_andShowsTheUpstreamTimeOnlyWhenThereIsOne() {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    BearerToken t =
        BearerToken.builder()
            .token(Secret.of("CANARY-SECRET"))
            .id("tok-1")
            .issuedAt(now.minusSeconds(60))
            .expiresAt(now)
            .build();
    CredentialUnavailableException local = Failures.alreadyExpired(t, null, now);
    assertThat(local.reason()).isEqualTo(Reason.MALFORMED_RESPONSE);
    assertThat(local)
        .hasMessageContaining("tok-1")
        .hasMessageNotContaining("upstream time")
        .hasMessageNotContaining("CANARY-SECRET");
    assertThat(Failures.alreadyExpired(t, now.plusSeconds(5), now))
        .hasMessageContaining("upstream time " + now.plusSeconds(5));
  }
}
