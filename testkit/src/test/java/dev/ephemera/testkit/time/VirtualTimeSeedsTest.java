package dev.ephemera.testkit.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.ephemera.core.BearerToken;
import dev.ephemera.core.CredentialSource;
import dev.ephemera.core.CredentialSources;
import dev.ephemera.testkit.FakeIssuer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * A fixed seed replays a source's jitter, and a failing test names the seeds it used, in its own
 * failure, through the auto-detected {@link VirtualTimeSeeds}.
 */
class VirtualTimeSeedsTest {
  private static final String AUTODETECTION = "junit.jupiter.extensions.autodetection.enabled";
  private static volatile String autodetection = "unread";

  @RegisterExtension
  static final BeforeEachCallback READ_CONFIGURATION =
      context -> autodetection = context.getConfigurationParameter(AUTODETECTION).orElse("unset");

  @Test
  void theBuild_autoDetectsExtensions_soEveryModuleReportsSeeds() {
    assertThat(autodetection)
        .as("%s, set by the root pom's surefire <properties>", AUTODETECTION)
        .isEqualTo("true");
  }

  @Test
  void sameSeed_sameJitter_throughARealSource() {
    long seed = 7_312_955_114L;
    assertThat(plannedRefresh(VirtualTime.create(seed)))
        .isEqualTo(plannedRefresh(VirtualTime.create(seed)));
    Set<Instant> plans = new HashSet<>();
    for (long s = 1; s <= 5; s++) {
      plans.add(plannedRefresh(VirtualTime.create(s)));
    }
    assertThat(plans).as("other seeds, other jitter").hasSizeGreaterThan(1);
  }

  @Test
  void theSeedProperty_replaysAFreshSeed() {
    long seed = VirtualTime.create().seed();
    Instant original = plannedRefresh(VirtualTime.create(seed));
    String before = System.getProperty(VirtualTime.SEED_PROPERTY);
    System.setProperty(VirtualTime.SEED_PROPERTY, Long.toString(seed));
    try {
      VirtualTime replayed = VirtualTime.create();
      assertThat(replayed.seed()).isEqualTo(seed);
      assertThat(plannedRefresh(replayed)).isEqualTo(original);
    } finally {
      if (before == null) {
        System.clearProperty(VirtualTime.SEED_PROPERTY);
      } else {
        System.setProperty(VirtualTime.SEED_PROPERTY, before);
      }
    }
  }

  @Test
  void aFailingTest_namesItsSeed_andTheReplayProperty_inItsFailure() {
    Map<String, Throwable> failures = run(Planted.class);
    assertThat(failures).containsOnlyKeys("fails", "failsAfterAPassingNeighbour", "failsInCode");
    long seed = Objects.requireNonNull(Planted.seed);
    assertThat(replayLines(failures, "fails"))
        .containsExactly(
            "VirtualTime seed " + seed + "; replay with -Dephemera.testkit.seed=" + seed);
    assertThat(replayLines(failures, "failsAfterAPassingNeighbour"))
        .as("a neighbour's seed is not this test's")
        .isEmpty();
    assertThat(replayLines(failures, "failsInCode"))
        .as("a seed given in code replays by itself")
        .isEmpty();
  }

  private static Instant plannedRefresh(VirtualTime time) {
    FakeIssuer issuer = FakeIssuer.builder(time.clock()).build();
    try (CredentialSource<BearerToken> source =
        CredentialSources.refreshing(issuer).timebase(time).build()) {
      source.get();
      return Objects.requireNonNull(source.status().nextRefreshAt());
    }
  }

  private static List<String> replayLines(Map<String, Throwable> failures, String test) {
    List<String> lines = new ArrayList<>();
    for (Throwable s : Objects.requireNonNull(failures.get(test), test).getSuppressed()) {
      if (s instanceof VirtualTimeSeeds.Replay) {
        lines.add(s.getMessage());
      }
    }
    return lines;
  }

  /** Runs {@code testClass} as surefire does, with auto-detection: each failure by method name. */
  private static Map<String, Throwable> run(Class<?> testClass) {
    Map<String, Throwable> failures = new LinkedHashMap<>();
    LauncherDiscoveryRequest request =
        LauncherDiscoveryRequestBuilder.request()
            .selectors(selectClass(testClass))
            .configurationParameter(AUTODETECTION, "true")
            .build();
    Planted.armed = true;
    try {
      LauncherFactory.create()
          .execute(
              request,
              new TestExecutionListener() {
                @Override
                public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                  if (id.isTest() && result.getStatus() == TestExecutionResult.Status.FAILED) {
                    String name = id.getDisplayName().replace("()", "");
                    failures.put(name, result.getThrowable().orElseThrow());
                  }
                }
              });
    } finally {
      Planted.armed = false;
    }
    return failures;
  }

  /** Planted failures, run only by the test above (surefire skips nested classes). */
  @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
  static final class Planted {
    static volatile boolean armed;
    static volatile @org.jspecify.annotations.Nullable Long seed;

    @Test
    @Order(1)
    void fails() {
      Assumptions.assumeTrue(armed);
      VirtualTime time = VirtualTime.create();
      seed = time.seed();
      plannedRefresh(time);
      assertThat(false).as("planted failure").isTrue();
    }

    @Test
    @Order(2)
    void passes() {
      Assumptions.assumeTrue(armed);
      plannedRefresh(VirtualTime.create());
    }

    @Test
    @Order(3)
    void failsAfterAPassingNeighbour() {
      Assumptions.assumeTrue(armed);
      assertThat(false).as("planted failure").isTrue();
    }

    @Test
    @Order(4)
    void failsInCode() {
      Assumptions.assumeTrue(armed);
      plannedRefresh(VirtualTime.create(42));
      assertThat(false).as("planted failure").isTrue();
    }
  }
}
