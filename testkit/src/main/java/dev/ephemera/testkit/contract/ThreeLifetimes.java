package dev.ephemera.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ephemera.core.Credential;
import dev.ephemera.core.CredentialException;
import dev.ephemera.core.CredentialSource;
import dev.ephemera.testkit.time.VirtualTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Drives a source over three lifetimes of its credential on virtual time, calling {@code get()}
 * every minute, and tells what it saw: failed calls and the distinct credentials served. A drill
 * for skew, outage and soak tests of any backend.
 *
 * <pre>{@code
 * ThreeLifetimes.run(time, source, Duration.ofHours(1)).assertHealthy(emulatorIssued());
 * }</pre>
 */
public final class ThreeLifetimes {
  private final List<String> failures = new ArrayList<>();
  private final Set<String> served = new LinkedHashSet<>();

  private ThreeLifetimes() {}

  /**
   * Calls {@code get()} once a minute for three lifetimes, advancing {@code time} between calls.
   *
   * @param time the virtual time
   * @param source the credential source it reads
   * @param lifetime the lifetime
   * @return what the calls saw
   */
  public static ThreeLifetimes run(
      VirtualTime time, CredentialSource<? extends Credential> source, Duration lifetime) {
    ThreeLifetimes seen = new ThreeLifetimes();
    long minutes = 3 * lifetime.toMinutes();
    for (long m = 0; m <= minutes; m++) {
      if (m > 0) {
        // advance before the call, never after the last one: a refresh in a minute after the last
        // call would be issued and never served, and the count would depend on the jitter draw
        time.advance(Duration.ofMinutes(1));
      }
      try {
        seen.served.add(source.get().id());
      } catch (CredentialException e) {
        seen.failures.add("minute " + m + ": " + e.getMessage());
      }
    }
    return seen;
  }

  /** {@return the failed calls, each with its minute and message} */
  public List<String> failures() {
    return List.copyOf(failures);
  }

  /** {@return the ids of the distinct credentials served, in order} */
  public Set<String> served() {
    return Set.copyOf(served);
  }

  /**
   * Zero failed calls; a refresh roughly every 2/3 of a lifetime (2/3 ± 10%: between 4 and 6
   * credentials over three lifetimes, the first included); and the upstream issued exactly the
   * credentials that were served, so nothing was issued in a loop and thrown away.
   *
   * @param upstreamIssued the upstream issued
   */
  public void assertHealthy(int upstreamIssued) {
    assertThat(failures).as("failed get() calls").isEmpty();
    assertThat(served.size()).as("credentials served over three lifetimes").isBetween(4, 6);
    assertThat(upstreamIssued).as("credentials the upstream issued").isEqualTo(served.size());
  }
}
