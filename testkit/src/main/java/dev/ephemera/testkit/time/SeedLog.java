package dev.ephemera.testkit.time;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The seeds of the {@link VirtualTime}s the current thread created, built a source on or advanced,
 * for {@link VirtualTimeSeeds} to name when a test fails. Only seeds that the {@value
 * VirtualTime#SEED_PROPERTY} property governs are kept (a seed given in code replays by itself), at
 * most {@value #MAX} distinct ones per test.
 */
final class SeedLog {
  static final int MAX = 8;
  private static final ThreadLocal<Set<Long>> SEEDS = ThreadLocal.withInitial(LinkedHashSet::new);

  private SeedLog() {}

  static void record(long seed) {
    Set<Long> seeds = SEEDS.get();
    if (seeds.size() < MAX) {
      seeds.add(seed);
    }
  }

  static List<Long> seeds() {
    return new ArrayList<>(SEEDS.get());
  }

  static void clear() {
    SEEDS.get().clear();
  }
}
