package dev.ephemera.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ephemera.core.CredentialSource;
import dev.ephemera.core.CredentialSources;
import dev.ephemera.core.refresh.RefreshPolicy;
import dev.ephemera.testkit.FakeIssuer;
import dev.ephemera.testkit.RecordingAuditListener;
import dev.ephemera.testkit.emulator.FaultPlan;
import dev.ephemera.testkit.time.VirtualTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Where the outage goes, and which backend it must leave up (and why), on virtual time. */
class OutagePlanTest {
  private static final Lifetimes HOUR = Lifetimes.forRun(Duration.ofHours(6));
  private static final RefreshPolicy NO_JITTER = RefreshPolicy.builder().jitterFraction(0).build();

  private final VirtualTime time = VirtualTime.create();
  private final List<CredentialSource<?>> sources = new ArrayList<>();

  @AfterEach
  void close() {
    sources.forEach(CredentialSource::close);
  }

  @Test
  void plan_coversTheNextRefreshOfEveryBackend_andEndsBeforeAnyHeldCredential() {
    Scenario aws = scenario("aws", Duration.ofHours(1), Optional.empty());
    Scenario vault = scenario("vault", Duration.ofMinutes(50), Optional.empty());
    time.runDue();

    OutagePlan plan = OutagePlan.plan(List.of(aws, vault), time.now(), HOUR);

    assertThat(plan.happens()).isTrue();
    assertThat(plan.down()).containsExactly("aws", "vault");
    assertThat(plan.spared()).isEmpty();
    for (Scenario s : List.of(aws, vault)) {
      var status = s.watched().get(0).source().status();
      assertThat(status.nextRefreshAt()).isBetween(plan.from(), plan.until());
      assertThat(status.expiresAt()).isAfter(plan.until().plus(OutagePlan.recovery(HOUR)));
    }
  }

  @Test
  void plan_sparesABackendWhoseCredentialWouldNotOutlastIt_andSaysWhy() {
    Scenario aws = scenario("aws", Duration.ofHours(1), Optional.empty());
    // a token handed out with minutes left: its refresh falls early, its service ends soon after
    Scenario gcp =
        scenario("gcp", Duration.ofMinutes(6), Optional.of("the metadata server says so"));
    time.runDue();

    OutagePlan plan = OutagePlan.plan(List.of(aws, gcp), time.now(), HOUR);

    assertThat(plan.down()).containsExactly("aws");
    assertThat(plan.spared()).containsOnlyKeys("gcp");
    assertThat(plan.spared().get("gcp"))
        .contains("'gcp-source' holds a credential served only until")
        .contains("would outlast it")
        .endsWith(": the metadata server says so");
    assertThat(aws.watched().get(0).source().status().nextRefreshAt())
        .isBetween(plan.from(), plan.until());
  }

  private Scenario scenario(String backend, Duration lifetime, Optional<String> caveat) {
    CredentialSource<?> source =
        CredentialSources.refreshing(FakeIssuer.builder(time.clock()).lifetime(lifetime).build())
            .name(backend + "-source")
            .policy(NO_JITTER) // refreshes at exactly 2/3 of the lifetime
            .timebase(time)
            .build();
    sources.add(source);
    List<Scenario.Watched> watched = List.of(new Scenario.Watched(backend + "-source", source));
    return new Scenario() {
      @Override
      public String backend() {
        return backend;
      }

      @Override
      public void start(DemoWorld world) {}

      @Override
      public List<Watched> watched() {
        return watched;
      }

      @Override
      public List<Probe> probes() {
        return List.of();
      }

      @Override
      public List<FaultPlan> faultPlans() {
        return List.of();
      }

      @Override
      public String endpoints() {
        return backend;
      }

      @Override
      public Optional<String> outageCaveat() {
        return caveat;
      }

      @Override
      public List<String> check(RecordingAuditListener audit) {
        return List.of();
      }

      @Override
      public void close() {}
    };
  }
}
