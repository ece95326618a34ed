package dev.ephemera.core.audit.chain;

import java.util.Objects;

/**
 * What a {@link ChainVerifier} found wrong, and where: the file and line, the epoch and seq of the
 * entry, and a sentence saying what is wrong with it.
 *
 * @param kind what kind of tampering (or damage) it is
 * @param file the file the entry is in ({@code ""} for a problem of the whole set)
 * @param line the entry's line in that file, from 1 ({@code 0} for a problem of the whole set)
 * @param epoch the entry's epoch ({@code ""} when it could not be read)
 * @param seq the entry's seq ({@code -1} when it could not be read)
 * @param detail what is wrong, in a sentence
 */
public record ChainProblem(
    ChainProblem.Kind kind, String file, long line, String epoch, long seq, String detail) {
  /** Kinds of problems, each with the tampering it reveals. */
  public enum Kind {
    /** A line is not an entry of the format: cut, padded, or not JSON. */
    MALFORMED,
    /** An entry's content does not match its hash: a field was edited. */
    EDITED,
    /** Entries are missing without a declared gap: deleted. */
    DELETED,
    /** Entries are out of order. */
    REORDERED,
    /** An entry was added that the writer did not write (a duplicate seq, or a MAC that fails). */
    INSERTED,
    /** The chain ends before its final checkpoint, or before a checkpoint its copy holds. */
    TRUNCATED,
    /** Entries of another chain or epoch were joined in. */
    SPLICED,
    /** A checkpoint's signature does not verify with the key it names. */
    FORGED_CHECKPOINT,
    /** A checkpoint signed elsewhere in the chain (or in another) was copied here. */
    REPLAYED_CHECKPOINT,
    /** A checkpoint is signed by a key the verifier was not given. */
    WRONG_KEY,
    /** Entries are not covered by any signed checkpoint while keys were given. */
    UNSIGNED
  }

  /**
   * Checks every part is there.
   *
   * @param kind what kind of tampering (or damage) it is
   * @param file the file the entry is in ({@code ""} for a problem of the whole set)
   * @param line the entry's line in that file, from 1 ({@code 0} for a problem of the whole set)
   * @param epoch the entry's epoch ({@code ""} when it could not be read)
   * @param seq the entry's seq ({@code -1} when it could not be read)
   * @param detail what is wrong, in a sentence
   */
  public ChainProblem {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(epoch, "epoch");
    Objects.requireNonNull(detail, "detail");
  }

  @Override
  public String toString() {
    String where = file.isEmpty() ? "" : file + ":" + line + ": ";
    String entry = seq < 0 ? "" : "epoch " + epoch + " seq " + seq + ": ";
    return where + kind + ": " + entry + detail;
  }
}
