package dev.ephemera.core.audit.chain;

import java.util.List;
import java.util.Optional;

/**
 * What a {@link ChainVerifier} checked and found: counts, and every problem in the order met.
 *
 * @param files files read
 * @param entries entries read
 * @param events {@code EVENT} entries
 * @param checkpoints {@code CHECKPOINT} entries whose signature verified
 * @param unsignedCheckpoints checkpoints written without a signature (declared as such)
 * @param gaps {@code GAP} entries
 * @param lost entries the gaps declare lost
 * @param epochs epochs (process lifetimes) seen
 * @param problems everything wrong, first found first
 */
public record ChainReport(
    int files,
    long entries,
    long events,
    long checkpoints,
    long unsignedCheckpoints,
    long gaps,
    long lost,
    int epochs,
    List<ChainProblem> problems) {
  /**
   * Copies the problems.
   *
   * @param files files read
   * @param entries entries read
   * @param events {@code EVENT} entries
   * @param checkpoints {@code CHECKPOINT} entries whose signature verified
   * @param unsignedCheckpoints checkpoints written without a signature (declared as such)
   * @param gaps {@code GAP} entries
   * @param lost entries the gaps declare lost
   * @param epochs epochs (process lifetimes) seen
   * @param problems everything wrong, first found first
   */
  public ChainReport {
    problems = List.copyOf(problems);
  }

  /** {@return whether nothing is wrong} */
  public boolean intact() {
    return problems.isEmpty();
  }

  /** {@return the first problem, if any} */
  public Optional<ChainProblem> firstProblem() {
    return problems.stream().findFirst();
  }

  /** {@return one line saying what was verified} */
  public String summary() {
    return (intact() ? "intact: " : "NOT intact: ")
        + entries
        + " entries in "
        + files
        + (files == 1 ? " file, " : " files, ")
        + epochs
        + (epochs == 1 ? " epoch, " : " epochs, ")
        + events
        + " events, "
        + checkpoints
        + " signed checkpoints"
        + (unsignedCheckpoints > 0 ? ", " + unsignedCheckpoints + " unsigned" : "")
        + (gaps > 0 ? ", " + gaps + " declared gaps (" + lost + " entries lost)" : "")
        + (intact() ? "" : ", " + problems.size() + " problems");
  }
}
