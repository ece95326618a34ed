package dev.ephemera.azure;

import static dev.ephemera.azure.AzureTestbed.STORAGE;

import dev.ephemera.core.BearerToken;
import dev.ephemera.core.CredentialSource;
import dev.ephemera.testkit.contract.ThreeLifetimes;
import dev.ephemera.testkit.time.VirtualTime;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A local wall clock that jumps two hours ahead of Entra's (an NTP step, a VM resume) must not stop
 * the source: Entra gives the lifetime as a duration ({@code expires_in}), which is skew-proof as
 * it is, and judges the projected token's expiry on its own clock. Through MSAL4J and azure-core's
 * JDK client over HTTPS against the Entra emulator, on virtual time.
 */
class ClockSkewTest {
  private static final Duration AHEAD = Duration.ofHours(2);
  private static final Duration LIFETIME = Duration.ofSeconds(3599);

  private final VirtualTime time = VirtualTime.create();
  private final AzureTestbed bed = new AzureTestbed(time);
  private final AzureWorkloadIdentity identity = bed.identity().build();

  @AfterEach
  void stop() {
    identity.close();
    bed.close();
  }

  @Test
  void localClockTwoHoursAhead_beforeTheFirstIssuance_issuesServesAndRefreshes() {
    time.jumpWallClock(AHEAD);
    CredentialSource<BearerToken> source = identity.source(STORAGE);
    ThreeLifetimes.run(time, source, LIFETIME).assertHealthy(bed.entra.issued().size());
  }

  @Test
  void localClockJumpsTwoHoursAhead_afterTheFirstIssuance_keepsServingAndRefreshing() {
    CredentialSource<BearerToken> source = identity.source(STORAGE);
    source.get();
    time.jumpWallClock(AHEAD);
    ThreeLifetimes.run(time, source, LIFETIME).assertHealthy(bed.entra.issued().size());
  }
}
