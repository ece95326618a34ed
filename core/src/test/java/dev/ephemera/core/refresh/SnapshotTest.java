package dev.ephemera.core.refresh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ephemera.core.SourceState;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SnapshotTest {
  private static final Instant STALE_AT = Instant.parse("2026-01-01T01:00:00Z");

  @Test
  void aSnapshotServesOnlyInAServingState_andKeepsItsEndOfService() {
    Snapshot<String> valid = new Snapshot<>("c", SourceState.VALID, 42, STALE_AT);
    assertThat(valid.current).contains("c");
    Snapshot<String> degraded = valid.withState(SourceState.DEGRADED);
    assertThat(degraded.serving).isEqualTo("c");
    Snapshot<String> unavailable = valid.withState(SourceState.UNAVAILABLE);
    assertThat(unavailable.serving).isNull();
    assertThat(unavailable.current).isEmpty();
    assertThat(unavailable.staleAtNanos).isEqualTo(42);
    assertThat(unavailable.staleAt).isEqualTo(STALE_AT);
    assertThat(unavailable.withState(SourceState.VALID).serving)
        .as("a credential once dropped is not served again")
        .isNull();
  }

  @Test
  void anEmptySnapshot_servesNothing() {
    Snapshot<String> closed = Snapshot.empty(SourceState.CLOSED);
    assertThat(closed.serving).isNull();
    assertThat(closed.current).isEmpty();
    assertThat(closed.state).isEqualTo(SourceState.CLOSED);
  }
}
