package dev.ephemera.core.refresh;

import java.time.Duration;
import java.util.List;

/**
 * What the live credentials could reach if stolen, from a {@link CredentialInventory}: the sources
 * whose credentials live long, those not narrowed beyond their target, and those that keep one
 * credential past its lifetime (renewed, never replaced), each by name.
 *
 * @param sources how many sources were looked at
 * @param longLivedThreshold the lifetime beyond which a credential counts as long-lived
 * @param longLived sources holding a credential that lives longer than the threshold
 * @param unscoped sources whose credential is not narrowed beyond its target (no session policy,
 *     access boundary or scope)
 * @param neverRotated sources still on their first credential though they were built longer ago
 *     than its lifetime: it is reused, renewed in place, instead of replaced
 */
public record BlastRadius(
    int sources,
    Duration longLivedThreshold,
    List<String> longLived,
    List<String> unscoped,
    List<String> neverRotated) {
  /**
   * Copies the lists.
   *
   * @param sources how many sources were looked at
   * @param longLivedThreshold the lifetime beyond which a credential counts as long-lived
   * @param longLived sources holding a credential that lives longer than the threshold
   * @param unscoped sources whose credential is not narrowed beyond its target (no session policy,
   *     access boundary or scope)
   * @param neverRotated sources still on their first credential though they were built longer ago
   *     than its lifetime: it is reused, renewed in place, instead of replaced
   */
  public BlastRadius {
    longLived = List.copyOf(longLived);
    unscoped = List.copyOf(unscoped);
    neverRotated = List.copyOf(neverRotated);
  }

  static BlastRadius of(List<InventoryEntry> entries, Duration threshold) {
    List<String> longLived =
        entries.stream()
            .filter(e -> e.lifetime().map(l -> l.compareTo(threshold) > 0).orElse(false))
            .map(InventoryEntry::name)
            .toList();
    List<String> unscoped =
        entries.stream().filter(e -> !e.scoped()).map(InventoryEntry::name).toList();
    List<String> neverRotated =
        entries.stream()
            .filter(
                e ->
                    e.rotations() == 0
                        && e.lifetime()
                            .map(l -> Duration.between(e.builtAt(), e.at()).compareTo(l) > 0)
                            .orElse(false))
            .map(InventoryEntry::name)
            .toList();
    return new BlastRadius(entries.size(), threshold, longLived, unscoped, neverRotated);
  }

  /** {@return one line per finding, for a report} */
  public String summary() {
    return sources
        + " sources: "
        + longLived.size()
        + " with credentials living longer than "
        + threshold()
        + ", "
        + unscoped.size()
        + " unscoped, "
        + neverRotated.size()
        + " never rotated";
  }

  private String threshold() {
    long m = longLivedThreshold.toMinutes();
    return m % 60 == 0 ? (m / 60) + "h" : m + "m";
  }
}
