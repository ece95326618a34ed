package dev.ephemera.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ephemera.core.CredentialUnavailableException.Reason;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SourceStatusTest {

  private static final Instant EXPIRES = Instant.parse("2030-01-01T01:00:00Z");
  private static final Instant NEXT = Instant.parse("2030-01-01T00:40:00Z");

  @Test
  void heldCredentialId_isPresentWhenACredentialIsHeld() {
    SourceStatus status =
        new SourceStatus("s", SourceState.VALID, "sha256:abc", EXPIRES, NEXT, null, 0, 1, 0);

    assertThat(status.heldCredentialId()).contains("sha256:abc");
    assertThat(status.credentialId()).isEqualTo("sha256:abc");
  }

  @Test
  void heldCredentialId_isEmptyWhenNoneIsHeld() {
    SourceStatus status =
        new SourceStatus("s", SourceState.STARTING, null, null, null, null, 0, 0, 0);

    assertThat(status.heldCredentialId()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(
      value = SourceState.class,
      names = {"VALID", "DEGRADED"})
  void isHealthy_whenTheStateServes(SourceState state) {
    SourceStatus status = new SourceStatus("s", state, "id", EXPIRES, NEXT, null, 0, 1, 0);

    assertThat(status.isHealthy()).isTrue();
    assertThat(state.isServing()).isTrue();
  }

  @ParameterizedTest
  @EnumSource(
      value = SourceState.class,
      names = {"STARTING", "UNAVAILABLE", "CLOSED"})
  void isNotHealthy_whenTheStateDoesNotServe(SourceState state) {
    SourceStatus status = new SourceStatus("s", state, null, null, null, null, 0, 0, 0);

    assertThat(status.isHealthy()).isFalse();
    assertThat(state.isServing()).isFalse();
  }

  @Test
  void accessors_returnWhatWasGiven() {
    CredentialUnavailableException failure =
        new CredentialUnavailableException(Reason.UNAVAILABLE, "503");
    SourceStatus status =
        new SourceStatus("orders", SourceState.DEGRADED, "id-1", EXPIRES, NEXT, failure, 3, 7, 4);

    assertThat(status.name()).isEqualTo("orders");
    assertThat(status.state()).isEqualTo(SourceState.DEGRADED);
    assertThat(status.expiresAt()).isEqualTo(EXPIRES);
    assertThat(status.nextRefreshAt()).isEqualTo(NEXT);
    assertThat(status.lastFailure()).isSameAs(failure);
    assertThat(status.failureStreak()).isEqualTo(3);
    assertThat(status.issuances()).isEqualTo(7);
    assertThat(status.failures()).isEqualTo(4);
  }

  @Test
  void equals_isValueBased() {
    SourceStatus a = new SourceStatus("s", SourceState.VALID, "id", EXPIRES, NEXT, null, 0, 1, 0);
    SourceStatus b = new SourceStatus("s", SourceState.VALID, "id", EXPIRES, NEXT, null, 0, 1, 0);

    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a)
        .isNotEqualTo(new SourceStatus("s", SourceState.VALID, "id", EXPIRES, NEXT, null, 0, 2, 0));
  }
}
