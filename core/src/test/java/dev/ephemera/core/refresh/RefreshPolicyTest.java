package dev.ephemera.core.refresh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RefreshPolicyTest {

  private static final Duration NEGATIVE = Duration.ofMillis(-1);

  // ---- defaults ----

  @Test
  void defaults_areTheDocumentedOnes() {
    RefreshPolicy p = RefreshPolicy.defaults();

    assertThat(p.refreshFraction()).isCloseTo(2.0 / 3.0, within(1e-12));
    assertThat(p.jitterFraction()).isEqualTo(0.10);
    assertThat(p.expiryMargin()).isEqualTo(Duration.ofSeconds(60));
    assertThat(p.initialBackoff()).isEqualTo(Duration.ofSeconds(1));
    assertThat(p.maxBackoff()).isEqualTo(Duration.ofSeconds(60));
    assertThat(p.terminalInitialBackoff()).isEqualTo(Duration.ofSeconds(30));
    assertThat(p.terminalMaxBackoff()).isEqualTo(Duration.ofMinutes(5));
    assertThat(p.acquireTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(p.minRenewalFraction()).isEqualTo(0.5);
    assertThat(p.revokeDelay()).isEqualTo(Duration.ZERO);
  }

  @Test
  void servedFor_isTheLifetimeLessTheMargin_atMostHalfOfIt() {
    RefreshPolicy p = RefreshPolicy.defaults();

    assertThat(p.servedFor(Duration.ofHours(1))).isEqualTo(Duration.ofSeconds(3540));
    assertThat(p.servedFor(Duration.ofSeconds(90))).isEqualTo(Duration.ofSeconds(45));
    assertThat(p.servedFor(Duration.ZERO)).isEqualTo(Duration.ZERO);
    assertThat(
            RefreshPolicy.builder()
                .expiryMargin(Duration.ZERO)
                .build()
                .servedFor(Duration.ofHours(1)))
        .isEqualTo(Duration.ofHours(1));
    assertThatThrownBy(() -> p.servedFor(NEGATIVE)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void defaults_isOneSharedInstance() {
    assertThat(RefreshPolicy.defaults()).isSameAs(RefreshPolicy.defaults());
  }

  @Test
  void builder_startsFromTheDefaults() {
    RefreshPolicy built = RefreshPolicy.builder().build();

    assertSameSettings(built, RefreshPolicy.defaults());
  }

  // ---- setters ----

  @Test
  void builder_setsEverySetting() {
    RefreshPolicy p = custom();

    assertThat(p.refreshFraction()).isEqualTo(0.5);
    assertThat(p.jitterFraction()).isEqualTo(0.2);
    assertThat(p.expiryMargin()).isEqualTo(Duration.ofSeconds(5));
    assertThat(p.initialBackoff()).isEqualTo(Duration.ofMillis(200));
    assertThat(p.maxBackoff()).isEqualTo(Duration.ofSeconds(10));
    assertThat(p.terminalInitialBackoff()).isEqualTo(Duration.ofSeconds(2));
    assertThat(p.terminalMaxBackoff()).isEqualTo(Duration.ofMinutes(1));
    assertThat(p.acquireTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(p.minRenewalFraction()).isEqualTo(0.25);
    assertThat(p.revokeDelay()).isEqualTo(Duration.ofSeconds(7));
  }

  @Test
  void builder_acceptsTheEdgesOfEachRange() {
    RefreshPolicy p =
        RefreshPolicy.builder()
            .refreshFraction(0.999)
            .jitterFraction(0)
            .expiryMargin(Duration.ZERO)
            .backoff(Duration.ofNanos(1), Duration.ofNanos(1))
            .terminalBackoff(Duration.ofSeconds(1), Duration.ofSeconds(1))
            .acquireTimeout(Duration.ofNanos(1))
            .minRenewalFraction(0)
            .revokeDelay(Duration.ZERO)
            .build();

    assertThat(p.jitterFraction()).isZero();
    assertThat(p.expiryMargin()).isZero();
    assertThat(p.initialBackoff()).isEqualTo(p.maxBackoff());
    assertThat(p.minRenewalFraction()).isZero();
    assertThat(RefreshPolicy.builder().minRenewalFraction(1).build().minRenewalFraction())
        .isEqualTo(1.0);
    assertThat(RefreshPolicy.builder().jitterFraction(0.4999).build().jitterFraction())
        .isEqualTo(0.4999);
  }

  @Test
  void builder_isIndependentOfPoliciesAlreadyBuilt() {
    RefreshPolicy.Builder b = RefreshPolicy.builder().refreshFraction(0.5);
    RefreshPolicy first = b.build();

    b.refreshFraction(0.9);

    assertThat(first.refreshFraction()).isEqualTo(0.5);
    assertThat(b.build().refreshFraction()).isEqualTo(0.9);
  }

  // ---- validation ----

  @ParameterizedTest
  @ValueSource(doubles = {0, 1, -0.1, 1.5, Double.NaN, Double.POSITIVE_INFINITY})
  void refreshFraction_outsideTheOpenUnitInterval_isRejectedNamingTheSetting(double value) {
    assertThatThrownBy(() -> RefreshPolicy.builder().refreshFraction(value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("refreshFraction ");
  }

  @ParameterizedTest
  @ValueSource(doubles = {-0.01, 0.5, 0.9, Double.NaN})
  void jitterFraction_outsideZeroToHalf_isRejectedNamingTheSetting(double value) {
    assertThatThrownBy(() -> RefreshPolicy.builder().jitterFraction(value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("jitterFraction ");
  }

  @ParameterizedTest
  @ValueSource(doubles = {-0.01, 1.01, Double.NaN})
  void minRenewalFraction_outsideTheUnitInterval_isRejectedNamingTheSetting(double value) {
    assertThatThrownBy(() -> RefreshPolicy.builder().minRenewalFraction(value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("minRenewalFraction ");
  }

  @Test
  void expiryMargin_negative_isRejectedNamingTheSetting() {
    assertThatThrownBy(() -> RefreshPolicy.builder().expiryMargin(NEGATIVE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("expiryMargin ");
    assertThatThrownBy(() -> RefreshPolicy.builder().expiryMargin(nullDuration()))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("expiryMargin");
  }

  @Test
  void revokeDelay_negative_isRejectedNamingTheSetting() {
    assertThatThrownBy(() -> RefreshPolicy.builder().revokeDelay(NEGATIVE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("revokeDelay ");
    assertThatThrownBy(() -> RefreshPolicy.builder().revokeDelay(nullDuration()))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("revokeDelay");
  }

  @Test
  void acquireTimeout_zeroOrNegative_isRejectedNamingTheSetting() {
    assertThatThrownBy(() -> RefreshPolicy.builder().acquireTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("acquireTimeout ");
    assertThatThrownBy(() -> RefreshPolicy.builder().acquireTimeout(NEGATIVE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("acquireTimeout ");
    assertThatThrownBy(() -> RefreshPolicy.builder().acquireTimeout(nullDuration()))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("acquireTimeout");
  }

  @Test
  void backoff_zeroOrNegativeBounds_areRejectedNamingTheBound() {
    Duration one = Duration.ofSeconds(1);

    assertThatThrownBy(() -> RefreshPolicy.builder().backoff(Duration.ZERO, one))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("initialBackoff ");
    assertThatThrownBy(() -> RefreshPolicy.builder().backoff(one, NEGATIVE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("maxBackoff ");
    assertThatThrownBy(() -> RefreshPolicy.builder().backoff(nullDuration(), one))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("initialBackoff");
    assertThatThrownBy(() -> RefreshPolicy.builder().backoff(one, nullDuration()))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("maxBackoff");
  }

  @Test
  void backoff_initialAboveMax_isRejectedNamingBoth() {
    assertThatThrownBy(
            () -> RefreshPolicy.builder().backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("initialBackoff")
        .hasMessageContaining("maxBackoff");
  }

  @Test
  void terminalBackoff_zeroOrNegativeBounds_areRejectedNamingTheBound() {
    Duration one = Duration.ofSeconds(1);

    assertThatThrownBy(() -> RefreshPolicy.builder().terminalBackoff(NEGATIVE, one))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("terminalInitialBackoff ");
    assertThatThrownBy(() -> RefreshPolicy.builder().terminalBackoff(one, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("terminalMaxBackoff ");
    assertThatThrownBy(() -> RefreshPolicy.builder().terminalBackoff(nullDuration(), one))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("terminalInitialBackoff");
  }

  @Test
  void terminalBackoff_initialAboveMax_isRejectedNamingBoth() {
    assertThatThrownBy(
            () ->
                RefreshPolicy.builder()
                    .terminalBackoff(Duration.ofMinutes(10), Duration.ofMinutes(5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("terminalInitialBackoff")
        .hasMessageContaining("terminalMaxBackoff");
  }

  @Test
  void rejectedFractions_leaveTheBuilderUnchanged() {
    RefreshPolicy.Builder b = RefreshPolicy.builder();

    assertThatThrownBy(() -> b.refreshFraction(2)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.jitterFraction(2)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.expiryMargin(NEGATIVE)).isInstanceOf(IllegalArgumentException.class);

    assertSameSettings(b.build(), RefreshPolicy.defaults());
  }

  @Test
  void rejectedBackoff_leavesTheBuilderUnchanged() {
    RefreshPolicy.Builder b = RefreshPolicy.builder();

    assertThatThrownBy(() -> b.backoff(Duration.ofSeconds(10), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.terminalBackoff(Duration.ofMinutes(10), Duration.ofMinutes(1)))
        .isInstanceOf(IllegalArgumentException.class);

    assertSameSettings(b.build(), RefreshPolicy.defaults());
  }

  // ---- toBuilder ----

  @Test
  void toBuilder_roundTripsEverySetting() {
    RefreshPolicy original = custom();

    RefreshPolicy copy = original.toBuilder().build();

    assertThat(copy).isNotSameAs(original);
    assertSameSettings(copy, original);
  }

  @Test
  void toBuilder_ofTheDefaultsRoundTrips() {
    assertSameSettings(RefreshPolicy.defaults().toBuilder().build(), RefreshPolicy.defaults());
  }

  @Test
  void toBuilder_changesOnlyWhatIsSetAndLeavesTheOriginalAlone() {
    RefreshPolicy original = custom();

    RefreshPolicy changed = original.toBuilder().acquireTimeout(Duration.ofSeconds(9)).build();

    assertThat(changed.acquireTimeout()).isEqualTo(Duration.ofSeconds(9));
    assertThat(original.acquireTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(changed.refreshFraction()).isEqualTo(original.refreshFraction());
    assertThat(changed.revokeDelay()).isEqualTo(original.revokeDelay());
    assertThat(changed.terminalMaxBackoff()).isEqualTo(original.terminalMaxBackoff());
  }

  @Test
  void toString_namesEverySetting() {
    assertThat(custom().toString())
        .contains(
            "refreshFraction=0.5",
            "jitterFraction=0.2",
            "expiryMargin=PT5S",
            "backoff=PT0.2S..PT10S",
            "terminalBackoff=PT2S..PT1M",
            "acquireTimeout=PT3S",
            "minRenewalFraction=0.25",
            "revokeDelay=PT7S");
  }

  // ---- helpers ----

  private static RefreshPolicy custom() {
    return RefreshPolicy.builder()
        .refreshFraction(0.5)
        .jitterFraction(0.2)
        .expiryMargin(Duration.ofSeconds(5))
        .backoff(Duration.ofMillis(200), Duration.ofSeconds(10))
        .terminalBackoff(Duration.ofSeconds(2), Duration.ofMinutes(1))
        .acquireTimeout(Duration.ofSeconds(3))
        .minRenewalFraction(0.25)
        .revokeDelay(Duration.ofSeconds(7))
        .build();
  }

  private static void assertSameSettings(RefreshPolicy actual, RefreshPolicy expected) {
    assertThat(actual.refreshFraction()).isEqualTo(expected.refreshFraction());
    assertThat(actual.jitterFraction()).isEqualTo(expected.jitterFraction());
    assertThat(actual.expiryMargin()).isEqualTo(expected.expiryMargin());
    assertThat(actual.initialBackoff()).isEqualTo(expected.initialBackoff());
    assertThat(actual.maxBackoff()).isEqualTo(expected.maxBackoff());
    assertThat(actual.terminalInitialBackoff()).isEqualTo(expected.terminalInitialBackoff());
    assertThat(actual.terminalMaxBackoff()).isEqualTo(expected.terminalMaxBackoff());
    assertThat(actual.acquireTimeout()).isEqualTo(expected.acquireTimeout());
    assertThat(actual.minRenewalFraction()).isEqualTo(expected.minRenewalFraction());
    assertThat(actual.revokeDelay()).isEqualTo(expected.revokeDelay());
    assertThat(actual.toString()).isEqualTo(expected.toString());
  }

  @SuppressWarnings("NullAway")
  private static Duration nullDuration() {
    return null;
  }
}
