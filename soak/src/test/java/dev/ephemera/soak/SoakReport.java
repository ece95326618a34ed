package dev.ephemera.soak;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What a soak measured, and every breach of its invariants.
 *
 * @param sources how many sources (pods) ran
 * @param seed the seed of its jitter and its faults: {@code -Dephemera.soak.seed=} replays it
 * @param virtual how long it ran, in virtual time
 * @param wallMillis how long it ran, in real time
 * @param figures the figures, in the order they are reported
 * @param breaches every breach of an invariant (empty when the soak passed)
 */
record SoakReport(
    int sources,
    long seed,
    Duration virtual,
    long wallMillis,
    Map<String, Object> figures,
    List<String> breaches) {

  /** {@return the report as lines of text} */
  String render() {
    StringBuilder out = new StringBuilder();
    out.append("chaos soak: ")
        .append(sources)
        .append(" sources, ")
        .append(virtual.toHours())
        .append(" virtual hours, ")
        .append(String.format(java.util.Locale.ROOT, "%.1f", wallMillis / 1000.0))
        .append(" s, seed ")
        .append(seed)
        .append(" (replay with -Dephemera.soak.seed=")
        .append(seed)
        .append(")\n");
    figures.forEach((k, v) -> out.append("  ").append(k).append(": ").append(v).append('\n'));
    out.append("  breaches: ").append(breaches.size()).append('\n');
    breaches.forEach(b -> out.append("    ").append(b).append('\n'));
    return out.toString();
  }
}
