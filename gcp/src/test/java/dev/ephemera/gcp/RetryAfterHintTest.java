package dev.ephemera.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ephemera.core.BearerToken;
import dev.ephemera.core.CredentialUnavailableException;
import dev.ephemera.core.CredentialUnavailableException.Reason;
import dev.ephemera.core.spi.CredentialIssuer;
import dev.ephemera.core.spi.http.RetryAfter;
import dev.ephemera.testkit.emulator.Fault;
import dev.ephemera.testkit.emulator.FaultPlan;
import dev.ephemera.testkit.time.VirtualTime;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A hostile Retry-After reaches the engine the same way from every Google upstream, and the same as
 * from every other backend: read by core's one parser, capped at {@link RetryAfter#CAP}, and
 * dropped when it is negative or garbage. Through Google Auth Library over HTTP.
 */
class RetryAfterHintTest {
  private final VirtualTime time = VirtualTime.create();
  private final GcpTestbed bed = GcpTestbed.start(time);

  @AfterEach
  void stop() {
    bed.close();
  }

  static Stream<Arguments> hints() {
    return Stream.of(
        Arguments.of("99999999999", RetryAfter.CAP),
        Arguments.of("Fri, 31 Dec 9999 23:59:59 GMT", RetryAfter.CAP),
        Arguments.of("-1", null),
        Arguments.of("garbage", null));
  }

  @ParameterizedTest(name = "Retry-After: {0}")
  @MethodSource("hints")
  void metadataServer_throttledWithAHostileRetryAfter_isThrottled_withTheHintCappedOrDropped(
      String header, @Nullable Duration expected) {
    assertThrottled(
        bed.metadata().build().accessTokenIssuer(),
        bed.google.metadata().faults(),
        header,
        expected);
  }

  @ParameterizedTest(name = "Retry-After: {0}")
  @MethodSource("hints")
  void sts_throttledWithAHostileRetryAfter_isThrottled_withTheHintCappedOrDropped(
      String header, @Nullable Duration expected) {
    assertThrottled(
        bed.federation(bed.federationConfig().build()).build().accessTokenIssuer(),
        bed.google.sts().faults(),
        header,
        expected);
  }

  @ParameterizedTest(name = "Retry-After: {0}")
  @MethodSource("hints")
  void iamCredentials_throttledWithAHostileRetryAfter_isThrottled_withTheHintCappedOrDropped(
      String header, @Nullable Duration expected) {
    assertThrottled(
        bed.federation(bed.impersonationConfig(Duration.ofHours(1))).build().accessTokenIssuer(),
        bed.google.iam().faults(),
        header,
        expected);
  }

  private static void assertThrottled(
      CredentialIssuer<BearerToken> issuer,
      FaultPlan faults,
      String header,
      @Nullable Duration expected) {
    faults.next(Fault.throttle(header));
    assertThatThrownBy(issuer::issue)
        .isInstanceOfSatisfying(
            CredentialUnavailableException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.THROTTLED);
              assertThat(e.retryAfter()).isEqualTo(Optional.ofNullable(expected));
            });
  }
}
