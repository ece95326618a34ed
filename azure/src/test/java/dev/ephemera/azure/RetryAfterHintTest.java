package dev.ephemera.azure;

import static dev.ephemera.azure.AzureTestbed.STORAGE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ephemera.core.BearerToken;
import dev.ephemera.core.CredentialSource;
import dev.ephemera.core.CredentialSources;
import dev.ephemera.core.CredentialUnavailableException;
import dev.ephemera.core.CredentialUnavailableException.Reason;
import dev.ephemera.core.refresh.RefreshPolicy;
import dev.ephemera.core.spi.http.RetryAfter;
import dev.ephemera.testkit.emulator.Fault;
import dev.ephemera.testkit.time.VirtualTime;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A hostile Retry-After from Entra reaches the engine as from every other backend: read by core's
 * one parser, capped at {@link RetryAfter#CAP}, dropped when negative or garbage. Through MSAL4J
 * over HTTPS against the Entra emulator.
 */
class RetryAfterHintTest {
  private final VirtualTime time = VirtualTime.create();
  private final AzureTestbed bed = new AzureTestbed(time);
  private final AzureWorkloadIdentity identity = bed.identity().build();

  @AfterEach
  void stop() {
    identity.close();
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
  void entra_throttledWithAHostileRetryAfter_isThrottled_withTheHintCappedOrDropped(
      String header, @Nullable Duration expected) {
    bed.entra.faults().next(Fault.throttle(header));

    assertThatThrownBy(identity.issuer(STORAGE)::issue)
        .isInstanceOfSatisfying(
            CredentialUnavailableException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.THROTTLED);
              assertThat(e.retryAfter()).isEqualTo(Optional.ofNullable(expected));
              assertThat(e.retryAfter())
                  .as("the same reading as core's RetryAfter")
                  .isEqualTo(RetryAfter.parse(header, time.upstreamClock().instant()));
            });
  }

  @ParameterizedTest(name = "Retry-After: {0}")
  @MethodSource("hints")
  void source_throttledWithAHostileRetryAfter_waitsTheCapOrPlainBackoff(
      String header, @Nullable Duration expected) {
    RefreshPolicy policy = RefreshPolicy.defaults();
    bed.entra.faults().next(Fault.throttle(header));
    CredentialSource<BearerToken> throttled =
        CredentialSources.refreshing(identity.issuer(STORAGE)).timebase(time).build();

    assertThatThrownBy(throttled::get).isInstanceOf(CredentialUnavailableException.class);
    Duration retryIn =
        Duration.between(time.now(), Objects.requireNonNull(throttled.status().nextRefreshAt()));
    throttled.close();

    if (expected == null) {
      assertThat(retryIn).as("no hint: plain backoff").isLessThan(policy.maxRetryAfter());
    } else {
      assertThat(retryIn).as("the hint, capped by the policy").isEqualTo(policy.maxRetryAfter());
    }
  }
}
