package dev.ephemera.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * The chaos soak: {@code ephemera.soak.sources} pods (default 1,000; {@code .ci/soak} runs 10,000)
 * over every backend's real issuer against the emulators for a virtual day of random faults; see
 * {@link ChaosSoak} for the invariants. The report goes to standard output and to {@code
 * target/soak-report.txt}; {@code -Dephemera.soak.seed=N} replays a run.
 */
class ChaosSoakTest {
  @Test
  void aVirtualDayOfRandomFaults_breaksNoInvariant() throws Exception {
    int sources = Integer.getInteger("ephemera.soak.sources", 1_000);
    // a replay's seed, else the run's testkit seed (.ci/repeat hands every run a fresh one)
    String fixed =
        System.getProperty("ephemera.soak.seed", System.getProperty("ephemera.testkit.seed"));
    long seed =
        fixed == null || fixed.isBlank()
            ? ThreadLocalRandom.current().nextLong()
            : Long.parseLong(fixed.strip());
    SoakReport report = new ChaosSoak(sources, seed).run();
    String text = report.render();
    System.out.print(text);
    Files.writeString(Path.of("target", "soak-report.txt"), text, StandardCharsets.UTF_8);
    assertThat(report.breaches()).as(text).isEmpty();
    assertThat((Long) report.figures().get("failures survived (audited)"))
        .as("a soak whose faults never failed a refresh proves nothing")
        .isPositive();
    assertThat((Long) report.figures().get("recoveries (a success after failures)")).isPositive();
  }
}
