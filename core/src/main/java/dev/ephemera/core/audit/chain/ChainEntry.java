package dev.ephemera.core.audit.chain;

import java.util.Objects;

/**
 * Where an entry sits in a chain: its origin, epoch, seq and hash. A sink's {@linkplain
 * ChainedAuditSink#head() head}, and what a restarted sink {@linkplain
 * ChainedAuditSink.Builder#resumeAfter resumes after}.
 *
 * @param origin the chain's origin
 * @param epoch the epoch
 * @param seq the entry's seq ({@code -1} before the first entry)
 * @param hash the entry's hash, lowercase hex
 */
public record ChainEntry(String origin, String epoch, long seq, String hash) {
  /**
   * Checks every part is there.
   *
   * @param origin the chain's origin
   * @param epoch the epoch
   * @param seq the entry's seq ({@code -1} before the first entry)
   * @param hash the entry's hash, lowercase hex
   */
  public ChainEntry {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(epoch, "epoch");
    Objects.requireNonNull(hash, "hash");
  }
}
