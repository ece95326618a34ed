package dev.ephemera.examples.readme;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ephemera.core.BearerToken;
import dev.ephemera.core.SourceState;
import dev.ephemera.core.SourceStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class QuickStartTest {
  @Test
  void theQuickStart_issuesOnce_andHandsThePoolTheToken() {
    AtomicInteger logins = new AtomicInteger();
    List<BearerToken> pool = new ArrayList<>();

    SourceStatus status =
        QuickStart.ordersApi(() -> "token-" + logins.incrementAndGet(), pool::add);

    assertThat(logins).hasValue(1);
    assertThat(pool)
        .singleElement()
        .satisfies(t -> assertThat(t.token().reveal()).isEqualTo("token-1"));
    assertThat(status.state()).isEqualTo(SourceState.VALID);
  }
}
