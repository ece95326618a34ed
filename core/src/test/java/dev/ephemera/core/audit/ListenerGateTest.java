package dev.ephemera.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ListenerGateTest {

  private final ListenerGate<String> gate = new ListenerGate<>();
  private final Object listener = new Object();

  @Test
  void enter_onAFreeListener_owns_andExitWithNobodyWaiting_freesItWithoutATrace() {
    assertThat(gate.enter(listener, "a")).isTrue();
    assertThat(gate.busyListeners()).isEqualTo(1);

    assertThat(gate.exit(listener)).isNull();

    assertThat(gate.busyListeners()).isZero();
    assertThat(gate.enter(listener, "b")).isTrue();
  }

  @Test
  void enter_onABusyListener_parks_andExitHandsTheListenerToTheOldestWaiter() {
    assertThat(gate.enter(listener, "owner")).isTrue();
    assertThat(gate.enter(listener, "w1")).isFalse();
    assertThat(gate.enter(listener, "w2")).isFalse();
    assertThat(gate.enter(listener, "w3")).isFalse();

    assertThat(gate.exit(listener)).isEqualTo("w1");
    assertThat(gate.enter(listener, "w4")).as("still busy: w1 owns it").isFalse();
    assertThat(gate.exit(listener)).isEqualTo("w2");
    assertThat(gate.exit(listener)).isEqualTo("w3");
    assertThat(gate.exit(listener)).isEqualTo("w4");
    assertThat(gate.exit(listener)).isNull();
    assertThat(gate.busyListeners()).isZero();
  }

  @Test
  void listenersAreKeyedByIdentity_notByEquals() {
    List<String> one = new ArrayList<>();
    List<String> equalButAnother = new ArrayList<>();

    assertThat(gate.enter(one, "a")).isTrue();
    assertThat(gate.enter(equalButAnother, "b")).isTrue();

    assertThat(gate.busyListeners()).isEqualTo(2);
    assertThat(gate.exit(one)).isNull();
    assertThat(gate.exit(equalButAnother)).isNull();
    assertThat(gate.busyListeners()).isZero();
  }

  @Test
  void exit_ofAFreeListener_isANoOp() {
    assertThat(gate.exit(listener)).isNull();
    assertThat(gate.busyListeners()).isZero();
  }
}
