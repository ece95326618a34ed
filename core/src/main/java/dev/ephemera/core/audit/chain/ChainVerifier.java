package dev.ephemera.core.audit.chain;

import dev.ephemera.core.audit.chain.ChainProblem.Kind;
import dev.ephemera.core.internal.BoundedLines;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.ProviderException;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Verifies chain files written by {@link ChainedAuditSink}: every entry's hash, every MAC (given
 * the HMAC key), every checkpoint's signature (given the public keys), the order and continuity of
 * every epoch, the links between epochs across restarts, and the checkpoint copy kept in another
 * trust domain. Files may be given in any order and an epoch may be split over several (log
 * rotation): each epoch's entries are put in order by their seq.
 *
 * <p>It reports every problem it meets, first found first, each with its file, line and what is
 * wrong: an edited field, a deleted, reordered or inserted entry, a truncated tail, two logs
 * spliced, a replayed or forged checkpoint, a wrong key. It reads line by line (each line at most
 * {@link #MAX_LINE} characters) and keeps only each entry's envelope, so a day of a large fleet
 * verifies in seconds.
 */
public final class ChainVerifier {
  /** The longest line read, in characters; a longer one is refused as malformed. */
  public static final int MAX_LINE = 1 << 20;

  /** How many keys ahead a MAC is looked for after deleted entries. */
  private static final int MAC_RESYNC = 1024;

  private final Map<String, PublicKey> keys;
  private final byte @Nullable [] hmacKey;
  private final @Nullable Path checkpointCopy;
  private final boolean allowOpenTail;

  private ChainVerifier(Builder b) {
    this.keys = Map.copyOf(b.keys);
    this.hmacKey = b.hmacKey == null ? null : b.hmacKey.clone();
    this.checkpointCopy = b.checkpointCopy;
    this.allowOpenTail = b.allowOpenTail;
  }

  /** {@return a builder; with no key it checks hashes and order only} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Verifies {@code paths}: files, or directories whose regular files are all read.
   *
   * @param paths the chain files
   * @return what was found
   * @throws IOException when a file cannot be read
   */
  public ChainReport verify(List<Path> paths) throws IOException {
    List<Path> files = new ArrayList<>();
    for (Path p : paths) {
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.list(p)) {
          s.filter(Files::isRegularFile).sorted().forEach(files::add);
        }
      } else {
        files.add(p);
      }
    }
    Run run = new Run();
    for (Path f : files) {
      try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
        run.read(f.toString(), r);
      }
    }
    if (checkpointCopy != null) {
      try (Reader r = Files.newBufferedReader(checkpointCopy, StandardCharsets.UTF_8)) {
        run.readCopy(checkpointCopy.toString(), r);
      }
    }
    return run.finish(files.size());
  }

  /**
   * {@return the last entry of a chain file (what a restarted sink {@linkplain
   * ChainedAuditSink.Builder#resumeAfter resumes after}), if it has one}
   *
   * @param file the file
   * @throws IOException when it cannot be read
   */
  public static Optional<ChainEntry> lastEntry(Path file) throws IOException {
    List<ChainLine> last = new ArrayList<>(1);
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      BoundedLines.forEach(
          r,
          MAX_LINE,
          (n, text) -> {
            if (text != null && !text.isBlank()) {
              try {
                ChainLine line = ChainLine.parse(file.toString(), n, text);
                last.clear();
                last.add(line);
              } catch (IllegalArgumentException e) {
                // not an entry: the last whole entry counts
              }
            }
          });
    }
    return last.stream().findFirst().map(l -> new ChainEntry(l.origin, l.epoch, l.seq, l.hash));
  }

  /** One verification: entries gathered by epoch, then checked. */
  private final class Run {
    private final List<ChainProblem> problems = new ArrayList<>();
    private final Map<String, List<ChainLine>> epochs = new LinkedHashMap<>();
    private final List<ChainLine> copies = new ArrayList<>();
    private long entries;
    private long events;
    private long checkpoints;
    private long unsigned;
    private long gaps;
    private long lost;

    private @Nullable ChainLine previousInFile;
    private final java.security.MessageDigest sha = ChainFormat.sha256();
    private final Map<String, String> sharedStrings = new HashMap<>();

    private String shared(String s) {
      return sharedStrings.size() < 10_000 ? sharedStrings.computeIfAbsent(s, k -> k) : s;
    }

    void read(String file, Reader reader) throws IOException {
      previousInFile = null;
      BoundedLines.forEach(reader, MAX_LINE, (n, text) -> entry(file, n, text));
    }

    private void entry(String file, long n, @Nullable String text) {
      if (text == null) {
        problems.add(
            new ChainProblem(
                Kind.MALFORMED, file, n, "", -1, "longer than " + MAX_LINE + " characters"));
        return;
      }
      if (text.isBlank()) {
        return;
      }
      @Nullable ChainLine previous = previousInFile;
      ChainLine line;
      try {
        line = ChainLine.parse(file, n, text, sha, this::shared);
      } catch (RuntimeException e) {
        problems.add(
            new ChainProblem(
                Kind.MALFORMED, file, n, "", -1, "not a chain entry: " + e.getMessage()));
        return;
      }
      entries++;
      if (previous != null
          && !(previous.origin.equals(line.origin) && previous.epoch.equals(line.epoch))
          && !line.kind.equals("EPOCH")) {
        problems.add(
            problem(
                Kind.SPLICED,
                line,
                "belongs to "
                    + line.origin
                    + " epoch "
                    + line.epoch
                    + ", yet follows "
                    + previous.where()
                    + " of epoch "
                    + previous.epoch
                    + " and does not start an epoch: two logs were joined"));
      }
      if (previous != null
          && previous.epoch.equals(line.epoch)
          && previous.origin.equals(line.origin)
          && line.seq < previous.seq) {
        problems.add(
            problem(
                Kind.REORDERED,
                line,
                "comes after seq "
                    + previous.seq
                    + " ("
                    + previous.where()
                    + "): entries were reordered"));
      }
      epochs.computeIfAbsent(line.origin + "\n" + line.epoch, k -> new ArrayList<>()).add(line);
      previousInFile = line;
    }

    void readCopy(String file, Reader r) throws IOException {
      BoundedLines.forEach(
          r,
          MAX_LINE,
          (n, text) -> {
            if (text == null || text.isBlank()) {
              return;
            }
            try {
              copies.add(ChainLine.parse(file, n, text));
            } catch (RuntimeException e) {
              problems.add(
                  new ChainProblem(
                      Kind.MALFORMED,
                      file,
                      n,
                      "",
                      -1,
                      "not a checkpoint entry: " + e.getMessage()));
            }
          });
    }

    ChainReport finish(int files) {
      Map<String, ChainLine> lastOfEpoch = new HashMap<>();
      Map<String, ChainLine> byHash = new HashMap<>();
      List<List<ChainLine>> ordered = new ArrayList<>(epochs.values());
      for (List<ChainLine> epoch : ordered) {
        epoch.sort(Comparator.comparingLong(l -> l.seq)); // stable: file order within a seq
      }
      ordered.sort(Comparator.comparing(e -> instant(e.get(0).time)));
      for (int i = 0; i < ordered.size(); i++) {
        List<ChainLine> epoch = ordered.get(i);
        boolean latest = isLatestOfOrigin(ordered, i);
        checkEpoch(epoch, latest, byHash);
        lastOfEpoch.put(epoch.get(0).epoch, epoch.get(epoch.size() - 1));
      }
      for (List<ChainLine> epoch : ordered) {
        checkLink(epoch.get(0), lastOfEpoch, ordered);
      }
      for (ChainLine copy : copies) {
        checkCopy(copy, byHash, lastOfEpoch);
      }
      return new ChainReport(
          files, entries, events, checkpoints, unsigned, gaps, lost, epochs.size(), problems);
    }

    private boolean isLatestOfOrigin(List<List<ChainLine>> ordered, int i) {
      String origin = ordered.get(i).get(0).origin;
      for (int j = i + 1; j < ordered.size(); j++) {
        if (ordered.get(j).get(0).origin.equals(origin)) {
          return false;
        }
      }
      return true;
    }

    /** Checks one epoch's entries, in seq order (file order restored where the seqs allow). */
    private void checkEpoch(List<ChainLine> epoch, boolean latest, Map<String, ChainLine> byHash) {
      MacRatchet macs = hmacKey == null ? null : MacRatchet.start(hmacKey, epoch.get(0).epoch);
      long expected = 0;
      String prev = ChainFormat.NO_PREVIOUS;
      long coveredUpTo = -1; // the last seq a signed checkpoint covers
      @Nullable ChainLine before = null;
      boolean broken = false;
      for (ChainLine l : epoch) {
        if (!l.hashMatches) {
          problems.add(problem(Kind.EDITED, l, "its content does not match its hash: edited"));
          broken = true;
        }
        if (macs != null) {
          if (l.mac != null && macs.verifiesWithin(l.hash, l.mac, MAC_RESYNC)) {
            macs.advance();
          } else {
            // not the sink's: the keys stay where they were, for the entries that follow
            problems.add(
                problem(
                    Kind.INSERTED,
                    l,
                    l.mac == null
                        ? "has no MAC: not written by the sink holding the key"
                        : "its MAC does not verify: written without the key (inserted or"
                            + " rewritten)"));
            broken = true;
          }
        }
        if (l.kind.equals("CHECKPOINT")) {
          byHash.put(l.hash, l); // what a checkpoint copy is matched against
        }
        switch (l.kind) {
          case "EVENT" -> events++;
          case "GAP" -> {
            gaps++;
            long n = l.number("lost", 0);
            lost += n;
            expected += n; // the declared numbers are skipped, and admitted
          }
          default -> {}
        }
        if (l.kind.equals("EPOCH") && l.seq != 0) {
          problems.add(problem(Kind.SPLICED, l, "an EPOCH entry in the middle of an epoch"));
          broken = true;
        }
        if (l.seq == expected && l.prev.equals(prev)) {
          // in order
        } else if (before != null && l.seq == before.seq) {
          problems.add(
              problem(
                  Kind.INSERTED,
                  l,
                  "seq "
                      + l.seq
                      + " appears twice (also "
                      + before.where()
                      + "): one entry was inserted"));
          broken = true;
          continue; // the chain goes on from the first of the two
        } else if (l.seq > expected) {
          problems.add(
              problem(
                  Kind.DELETED,
                  l,
                  (l.seq - expected == 1
                          ? "seq " + expected + " is missing"
                          : "seqs " + expected + "-" + (l.seq - 1) + " are missing")
                      + " with no declared gap: deleted"));
          broken = true;
        } else if (l.seq == expected && l.kind.equals("EPOCH") && before == null) {
          problems.add(problem(Kind.SPLICED, l, "an epoch's first entry names a previous entry"));
          broken = true;
        } else {
          problems.add(
              problem(
                  Kind.SPLICED,
                  l,
                  "does not follow the entry before it (prev "
                      + l.prev.substring(0, 12)
                      + "… is not its hash): the chain was rewritten or joined"));
          broken = true;
        }
        if (l.kind.equals("CHECKPOINT")) {
          if (checkCheckpoint(l, before, prev)) {
            coveredUpTo = l.seq;
          }
        }
        expected = l.seq + 1;
        prev = l.hash;
        before = l;
      }
      ChainLine last = epoch.get(epoch.size() - 1);
      boolean closed = last.kind.equals("CHECKPOINT") && last.isFinal();
      if (!closed && !(latest && allowOpenTail)) {
        problems.add(
            problem(
                Kind.TRUNCATED,
                last,
                "is the epoch's last entry, and not its final checkpoint: the tail was cut (or the"
                    + " process died without closing the sink)"));
      } else if (!keys.isEmpty()
          && !broken
          && coveredUpTo < last.seq
          && !(latest && allowOpenTail)) {
        problems.add(
            problem(
                Kind.UNSIGNED,
                last,
                "entries after seq " + coveredUpTo + " are covered by no signed checkpoint"));
      }
    }

    /** {@return whether {@code l} is a checkpoint that verifies with a given key} */
    private boolean checkCheckpoint(ChainLine l, @Nullable ChainLine before, String prev) {
      Map<String, Object> head = l.object("head");
      long headSeq = head == null ? Long.MIN_VALUE : numberOf(head.get("seq"));
      String headHash = head == null ? "" : String.valueOf(head.get("hash"));
      String signedAt = head == null ? "" : String.valueOf(head.get("time"));
      String alg = l.string("alg");
      String keyId = l.string("key");
      if (l.sig == null || alg == null || keyId == null) {
        unsigned++;
        return false;
      }
      boolean headMatches =
          before != null
              && headSeq == before.seq
              && headHash.equals(prev)
              && l.prev.equals(prev)
              && signedAt.equals(l.time);
      if (keys.isEmpty()) {
        return false; // nothing to check the signature with
      }
      PublicKey key = keys.get(keyId);
      if (key == null) {
        problems.add(
            problem(
                Kind.WRONG_KEY,
                l,
                "is signed by key " + keyId + ", not by any key given " + keys.keySet()));
        return false;
      }
      String keyAlg = ChainFormat.algorithmFor(key);
      if (!alg.equals(keyAlg)) {
        problems.add(
            problem(
                Kind.FORGED_CHECKPOINT,
                l,
                ChainFormat.ALGORITHMS.contains(alg)
                    ? "names algorithm " + alg + ", but key " + keyId + " verifies " + keyAlg
                    : "names algorithm "
                        + alg
                        + ", not one a chain accepts "
                        + ChainFormat.ALGORITHMS));
        return false;
      }
      boolean valid = verifySignature(l, alg, key, headSeq, headHash, signedAt);
      if (!valid) {
        problems.add(
            problem(
                Kind.FORGED_CHECKPOINT,
                l,
                "its signature does not verify with key "
                    + keyId
                    + ": forged, or what it signs"
                    + " was changed"));
        return false;
      }
      if (!headMatches) {
        problems.add(
            problem(
                Kind.REPLAYED_CHECKPOINT,
                l,
                "is validly signed, but for seq "
                    + headSeq
                    + " of another place in the chain: a replayed checkpoint"));
        return false;
      }
      checkpoints++;
      return true;
    }

    private boolean verifySignature(
        ChainLine l, String alg, PublicKey key, long headSeq, String headHash, String signedAt) {
      try {
        Instant time = Instant.parse(signedAt);
        byte[] message = ChainFormat.checkpointMessage(l.origin, l.epoch, headSeq, headHash, time);
        Signature s = Signature.getInstance(alg);
        s.initVerify(key);
        s.update(message);
        return s.verify(Base64.getDecoder().decode(Objects.requireNonNull(l.sig)));
      } catch (GeneralSecurityException
          | IllegalArgumentException
          | DateTimeParseException
          | ProviderException e) {
        return false;
      }
    }

    /** Checks that an epoch that names its predecessor really follows it. */
    private void checkLink(
        ChainLine first, Map<String, ChainLine> lastOfEpoch, List<List<ChainLine>> ordered) {
      if (!first.kind.equals("EPOCH") || first.seq != 0) {
        problems.add(
            problem(
                first.seq > 0 ? Kind.DELETED : Kind.SPLICED,
                first,
                "the epoch starts here, without its EPOCH entry: its beginning is missing"));
        return;
      }
      Map<String, Object> previous = first.object("previous");
      if (previous == null) {
        return;
      }
      String epoch = String.valueOf(previous.get("epoch"));
      ChainLine last = lastOfEpoch.get(epoch);
      if (last == null) {
        boolean earlier =
            ordered.stream()
                .map(e -> e.get(0))
                .anyMatch(
                    e ->
                        e.origin.equals(first.origin)
                            && instant(e.time).isBefore(instant(first.time)));
        if (earlier) {
          problems.add(
              problem(
                  Kind.DELETED,
                  first,
                  "follows epoch " + epoch + ", which is not among the files: it was removed"));
        }
        return;
      }
      if (last.seq != numberOf(previous.get("seq")) || !last.hash.equals(previous.get("hash"))) {
        problems.add(
            problem(
                Kind.TRUNCATED,
                first,
                "follows epoch "
                    + epoch
                    + " at seq "
                    + previous.get("seq")
                    + ", but that epoch ends at seq "
                    + last.seq
                    + " ("
                    + last.where()
                    + ") with another hash"));
      }
    }

    /** Checks that a checkpoint kept in the other trust domain is in the chain, unchanged. */
    private void checkCopy(
        ChainLine copy, Map<String, ChainLine> byHash, Map<String, ChainLine> lastOfEpoch) {
      if (byHash.containsKey(copy.hash)) {
        return;
      }
      ChainLine last = lastOfEpoch.get(copy.epoch);
      boolean beyond = last == null || last.seq < copy.seq;
      problems.add(
          new ChainProblem(
              beyond ? Kind.TRUNCATED : Kind.EDITED,
              copy.file,
              copy.line,
              copy.epoch,
              copy.seq,
              beyond
                  ? "the checkpoint copy signs seq "
                      + copy.seq
                      + ", but the chain "
                      + (last == null ? "has no such epoch" : "ends at seq " + last.seq)
                      + ": truncated"
                  : "the chain's checkpoint at this seq differs from its copy: rewritten"));
    }

    private ChainProblem problem(Kind kind, ChainLine l, String detail) {
      return new ChainProblem(kind, l.file, l.line, l.epoch, l.seq, detail);
    }
  }

  private static Instant instant(String time) {
    try {
      return Instant.parse(time);
    } catch (DateTimeParseException e) {
      return Instant.MIN;
    }
  }

  private static long numberOf(@Nullable Object value) {
    return value instanceof java.math.BigDecimal d ? d.longValue() : Long.MIN_VALUE;
  }

  /** Builds a {@link ChainVerifier}. */
  public static final class Builder {
    private final Map<String, PublicKey> keys = new HashMap<>();
    private byte @Nullable [] hmacKey;
    private @Nullable Path checkpointCopy;
    private boolean allowOpenTail;

    private Builder() {}

    /**
     * Trusts {@code key} for checkpoints (call once a key: rotated keys are all trusted). With
     * keys, every entry must be covered by a signed checkpoint.
     *
     * @param key an Ed25519 or EC P-256 public key
     * @return this builder
     * @throws IllegalArgumentException when it is neither
     */
    public Builder publicKey(PublicKey key) {
      ChainFormat.algorithmOf(key);
      keys.put(ChainFormat.keyId(key), key);
      return this;
    }

    /**
     * Checks every entry's MAC with {@code key}, the sink's HMAC key.
     *
     * @param key the key
     * @return this builder
     */
    public Builder hmacKey(byte[] key) {
      this.hmacKey = Objects.requireNonNull(key, "hmacKey").clone();
      return this;
    }

    /**
     * Checks the chain against the copy of its checkpoints kept in another trust domain.
     *
     * @param file the copy
     * @return this builder
     */
    public Builder checkpointCopy(Path file) {
      this.checkpointCopy = Objects.requireNonNull(file, "checkpointCopy");
      return this;
    }

    /**
     * Accepts that each origin's latest epoch has no final checkpoint yet (a running process).
     *
     * @param allow whether to accept an open tail
     * @return this builder
     */
    public Builder allowOpenTail(boolean allow) {
      this.allowOpenTail = allow;
      return this;
    }

    /** {@return the verifier} */
    public ChainVerifier build() {
      return new ChainVerifier(this);
    }
  }
}
