package dev.ephemera.core.audit.chain;

import dev.ephemera.core.audit.AuditEvent;
import dev.ephemera.core.audit.AuditEventType;
import dev.ephemera.core.audit.AuditHost;
import dev.ephemera.core.audit.AuditListener;
import dev.ephemera.core.internal.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * An audit listener that writes a tamper-evident trail: every event becomes an entry of a hash
 * chain ({@link ChainFormat}), each entry optionally MACed with a key that ratchets forward, and a
 * signed {@code CHECKPOINT} of the chain head is written every {@code checkpointEvery} events,
 * {@code checkpointInterval} after the last one (checked as events arrive) and at {@link #close()}.
 * A {@link ChainVerifier} then tells an intact trail from an edited, deleted, reordered, inserted,
 * truncated or spliced one.
 *
 * <p>Every sink starts an <em>epoch</em> (a random id) with an {@code EPOCH} entry, which names the
 * previous process's last checkpoint when it is given one ({@link Builder#resumeAfter}), so a
 * verifier checks a directory of files across restarts. Events the pipeline dropped for this sink
 * (its queue was full) and entries it could not write become a {@code GAP} entry declaring how many
 * entries were lost: "lost and admitted", which a verifier tells from "deleted".
 *
 * <p>Identifiers that let someone act on a credential (a Vault token accessor can look a token up
 * and revoke it) stay out of the clear: by default every event's {@code credentialId} is written as
 * a keyed fingerprint, {@code hmac-sha256:} and 16 bytes of hex, keyed from the HMAC key when there
 * is one (so an auditor holding it can recompute them), else from a random key of this epoch.
 *
 * <pre>{@code
 * ChainedAuditSink chain = ChainedAuditSink.builder(Files.newOutputStream(path, CREATE, APPEND))
 *     .signer(CheckpointSigner.ed25519(privateKey, publicKey))
 *     .hmacKey(macKey)
 *     .build();
 * }</pre>
 *
 * <p>Thread-safe; the audit pipeline calls it on its delivery thread, never concurrently. A write
 * that fails is counted, never thrown at the pipeline. Closing writes the final checkpoint and
 * closes the streams.
 */
public final class ChainedAuditSink implements AuditListener, AutoCloseable {
  private static final String DROPPED_ANOMALY = "audit-events-dropped";

  private final OutputStream out;
  private final @Nullable OutputStream checkpointCopy;
  private final Clock clock;
  private final String origin;
  private final String epoch;
  private final @Nullable CheckpointSigner signer;
  private final int checkpointEvery;
  private final Duration checkpointInterval;
  private final @Nullable Fingerprints fingerprints;
  private final @Nullable MacRatchet macs;
  private final ReentrantLock lock = new ReentrantLock();
  private final java.security.MessageDigest sha = ChainFormat.sha256(); // guarded by lock

  private long seq;
  private String prev = ChainFormat.NO_PREVIOUS;
  private long headSeq = -1;
  private long pendingLost;
  private long pendingNumbered; // of those, entries that already took their seq (failed writes)
  private String pendingReason = "";
  private long sinceCheckpoint;
  private Instant lastCheckpoint;
  private long written;
  private long writeFailures;
  private long signFailures;
  private boolean closed;

  private ChainedAuditSink(Builder b) {
    this.out = b.out;
    this.checkpointCopy = b.checkpointCopy;
    this.clock = b.clock;
    this.origin = b.origin != null ? b.origin : AuditHost.local().hostname();
    this.epoch = b.epoch != null ? b.epoch : UUID.randomUUID().toString();
    this.signer = b.signer;
    this.checkpointEvery = b.checkpointEvery;
    this.checkpointInterval = b.checkpointInterval;
    byte[] key = b.hmacKey;
    this.macs = key == null ? null : MacRatchet.start(key, epoch);
    if (b.fingerprintIds) {
      byte[] fingerprintKey = new byte[32];
      if (key == null) {
        new SecureRandom().nextBytes(fingerprintKey);
      } else {
        fingerprintKey = MacRatchet.derive(key, ChainFormat.FINGERPRINT_DOMAIN);
      }
      this.fingerprints = new Fingerprints(fingerprintKey);
    } else {
      this.fingerprints = null;
    }
    if (key != null) {
      Arrays.fill(key, (byte) 0); // our copy: only the ratchet's next key is kept
    }
    this.lastCheckpoint = clock.instant();
    StringBuilder members = new StringBuilder();
    if (b.previous != null) {
      ChainEntry p = b.previous;
      members.append(",\"previous\":{");
      member(members, "origin", p.origin()).append(',');
      member(members, "epoch", p.epoch()).append(',');
      members.append("\"seq\":").append(p.seq()).append(',');
      member(members, "hash", p.hash()).append('}');
    }
    lock.lock();
    try {
      append("EPOCH", members.toString(), clock.instant(), null);
    } finally {
      lock.unlock();
    }
  }

  /**
   * {@return a builder writing the chain to {@code out}}
   *
   * @param out where entries go, one line each (flushed after each entry); an append-only file or a
   *     log shipper's pipe
   */
  public static Builder builder(OutputStream out) {
    return new Builder(Objects.requireNonNull(out, "out"));
  }

  @Override
  public void onEvent(AuditEvent event) {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      Instant now = clock.instant();
      if (event.type() == AuditEventType.ANOMALY
          && DROPPED_ANOMALY.equals(event.attributes().get("anomaly"))) {
        long lost = parseCount(event.attributes().get("dropped"));
        if (lost > 0) {
          declareLost(
              lost, false, "audit queue full: events dropped before they reached this sink");
        }
      }
      flushGap(now);
      StringBuilder members = new StringBuilder(",\"event\":");
      members.append(eventJson(event));
      append("EVENT", members.toString(), now, null);
      sinceCheckpoint++;
      if (signer != null
          && (sinceCheckpoint >= checkpointEvery
              || !now.isBefore(lastCheckpoint.plus(checkpointInterval)))) {
        checkpoint(now, false);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Writes a checkpoint now (signed if there is a signer), whatever the schedule. */
  public void checkpoint() {
    lock.lock();
    try {
      if (!closed) {
        Instant now = clock.instant();
        flushGap(now);
        checkpoint(now, false);
      }
    } finally {
      lock.unlock();
    }
  }

  /** {@return the entry that heads the chain: the last one written} */
  public ChainEntry head() {
    lock.lock();
    try {
      return new ChainEntry(origin, epoch, headSeq, prev);
    } finally {
      lock.unlock();
    }
  }

  /** {@return this sink's epoch id} */
  public String epoch() {
    return epoch;
  }

  /** {@return entries written} */
  public long written() {
    lock.lock();
    try {
      return written;
    } finally {
      lock.unlock();
    }
  }

  /** {@return entries that could not be written (each later declared in a {@code GAP} entry)} */
  public long writeFailures() {
    lock.lock();
    try {
      return writeFailures;
    } finally {
      lock.unlock();
    }
  }

  /** {@return checkpoints the signer could not sign (written unsigned, declared as such)} */
  public long signFailures() {
    lock.lock();
    try {
      return signFailures;
    } finally {
      lock.unlock();
    }
  }

  /** Writes the final checkpoint (marked {@code "final":true}) and closes the streams. */
  @Override
  public void close() throws IOException {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      Instant now = clock.instant();
      flushGap(now);
      checkpoint(now, true);
      closed = true;
      try {
        out.close();
      } finally {
        if (checkpointCopy != null) {
          checkpointCopy.close();
        }
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String toString() {
    return "ChainedAuditSink[origin=" + origin + " epoch=" + epoch + " written=" + written + "]";
  }

  private void declareLost(long lost, boolean numbered, String reason) {
    pendingLost = saturatedAdd(pendingLost, lost);
    if (numbered) {
      pendingNumbered = saturatedAdd(pendingNumbered, lost);
    }
    pendingReason = reason;
  }

  /** Writes the pending {@code GAP} entry, if entries were lost since the last one. */
  private void flushGap(Instant now) {
    if (pendingLost == 0) {
      return;
    }
    long lost = pendingLost;
    // the numbers of the lost entries that never had one, declared below
    seq = saturatedAdd(seq, lost - pendingNumbered);
    pendingNumbered = 0;
    StringBuilder members = new StringBuilder(",\"lost\":").append(lost).append(',');
    member(members, "reason", pendingReason);
    pendingLost = 0;
    append("GAP", members.toString(), now, null);
  }

  private void checkpoint(Instant now, boolean last) {
    StringBuilder members = new StringBuilder(",\"head\":{\"seq\":");
    members.append(headSeq).append(',');
    member(members, "hash", prev).append(',');
    member(members, "time", now.toString()).append('}');
    if (last) {
      members.append(",\"final\":true");
    }
    String sig = null;
    if (signer != null) {
      try {
        byte[] message = ChainFormat.checkpointMessage(origin, epoch, headSeq, prev, now);
        sig = Base64.getEncoder().encodeToString(signer.sign(message));
        members.append(',');
        member(members, "alg", signer.algorithm()).append(',');
        member(members, "key", signer.keyId());
      } catch (GeneralSecurityException | RuntimeException e) {
        signFailures++;
        members.append(',');
        member(members, "unsigned", e.getClass().getSimpleName());
      }
    } else {
      members.append(",\"unsigned\":\"no signer\"");
    }
    append("CHECKPOINT", members.toString(), now, sig);
    sinceCheckpoint = 0;
    lastCheckpoint = now;
  }

  /** Writes one entry; {@code sig} is a checkpoint's signature, if it has one. */
  private void append(String kind, String members, Instant time, @Nullable String sig) {
    StringBuilder body = new StringBuilder(256 + members.length()).append('{');
    member(body, "v", ChainFormat.VERSION).append(',');
    member(body, "origin", origin).append(',');
    member(body, "epoch", epoch).append(',');
    body.append("\"seq\":").append(seq).append(',');
    member(body, "kind", kind).append(',');
    member(body, "time", time.toString()).append(',');
    member(body, "prev", prev);
    body.append(members).append('}');
    String hash = ChainFormat.hash(sha, body.toString());
    body.setLength(body.length() - 1);
    body.append(",\"hash\":\"").append(hash).append('"');
    if (sig != null) {
      body.append(",\"sig\":\"").append(sig).append('"');
    }
    if (macs != null) {
      body.append(",\"mac\":\"").append(macs.mac(hash)).append('"');
    }
    byte[] line = body.append("}\n").toString().getBytes(StandardCharsets.UTF_8);
    try {
      out.write(line);
      out.flush();
      written++;
      headSeq = seq;
      prev = hash;
      if (macs != null) {
        macs.advance(); // only once written: a line that never reached the file used no key
      }
    } catch (IOException | RuntimeException e) {
      writeFailures++;
      declareLost(1, true, "write failed: " + e.getClass().getSimpleName());
    }
    seq++;
    if (checkpointCopy != null && kind.equals("CHECKPOINT")) {
      try {
        checkpointCopy.write(line);
        checkpointCopy.flush();
      } catch (IOException | RuntimeException e) {
        writeFailures++;
      }
    }
  }

  private String eventJson(AuditEvent event) {
    if (fingerprints == null || event.credentialId().isEmpty()) {
      return event.toJson();
    }
    String id = event.credentialId().get();
    return event.withCredentialId(fingerprints.of(id)).toJson();
  }

  private static long parseCount(@Nullable String value) {
    if (value == null) {
      return 0;
    }
    try {
      return Math.max(0, Long.parseLong(value));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static long saturatedAdd(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
  }

  private static StringBuilder member(StringBuilder sb, String name, String value) {
    sb.append('"').append(name).append("\":");
    return Json.quote(sb, value);
  }

  /** Builds a {@link ChainedAuditSink}; every setting is optional. */
  public static final class Builder {
    private final OutputStream out;
    private @Nullable OutputStream checkpointCopy;
    private Clock clock = Clock.systemUTC();
    private @Nullable String origin;
    private @Nullable String epoch;
    private @Nullable CheckpointSigner signer;
    private int checkpointEvery = 1000;
    private Duration checkpointInterval = Duration.ofMinutes(1);
    private byte @Nullable [] hmacKey;
    private boolean fingerprintIds = true;
    private @Nullable ChainEntry previous;

    private Builder(OutputStream out) {
      this.out = out;
    }

    /**
     * Names the chain's origin in every entry (default: this host's name).
     *
     * @param origin the origin, e.g. a workload's name
     * @return this builder
     */
    public Builder origin(String origin) {
      this.origin = nonBlank(origin, "origin");
      return this;
    }

    /**
     * Sets the epoch id (default: a random UUID); tests and replays set it.
     *
     * @param epoch the epoch id
     * @return this builder
     */
    public Builder epoch(String epoch) {
      this.epoch = nonBlank(epoch, "epoch");
      return this;
    }

    /**
     * Sets the clock entries and checkpoints are stamped with (default: the system UTC clock).
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Signs checkpoints with {@code signer} (default: none; checkpoints are then written unsigned
     * and a verifier reports the chain as unsigned).
     *
     * @param signer the signer
     * @return this builder
     */
    public Builder signer(CheckpointSigner signer) {
      this.signer = Objects.requireNonNull(signer, "signer");
      return this;
    }

    /**
     * Writes a checkpoint after every {@code events} events (default 1,000).
     *
     * @param events at least 1
     * @return this builder
     */
    public Builder checkpointEvery(int events) {
      if (events < 1) {
        throw new IllegalArgumentException("checkpointEvery must be at least 1, was " + events);
      }
      this.checkpointEvery = events;
      return this;
    }

    /**
     * Writes a checkpoint with the first event that arrives {@code interval} or more after the last
     * checkpoint (default 1 minute).
     *
     * @param interval positive
     * @return this builder
     */
    public Builder checkpointInterval(Duration interval) {
      Objects.requireNonNull(interval, "checkpointInterval");
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("checkpointInterval must be positive, was " + interval);
      }
      this.checkpointInterval = interval;
      return this;
    }

    /**
     * Also writes every signed checkpoint to {@code copy}: another trust domain (a second log
     * pipeline, a write-once bucket) against which a verifier detects a rewritten or truncated
     * chain.
     *
     * @param copy where checkpoint lines are copied to
     * @return this builder
     */
    public Builder checkpointCopy(OutputStream copy) {
      this.checkpointCopy = Objects.requireNonNull(copy, "checkpointCopy");
      return this;
    }

    /**
     * MACs every entry with a forward-secure key derived from {@code key} ({@link ChainFormat}):
     * the sink keeps only the next entry's key, so a key stolen from the running process cannot
     * forge an earlier entry. The array is zeroed once the sink is built.
     *
     * @param key at least 32 bytes, kept by the auditor
     * @return this builder
     */
    public Builder hmacKey(byte[] key) {
      Objects.requireNonNull(key, "hmacKey");
      if (key.length < 32) {
        throw new IllegalArgumentException("hmacKey must be at least 32 bytes, was " + key.length);
      }
      this.hmacKey = key;
      return this;
    }

    /**
     * Writes credential ids in the clear instead of as keyed fingerprints (default: fingerprints).
     * Only for ids that cannot act on a credential.
     *
     * @param fingerprint whether to fingerprint credential ids
     * @return this builder
     */
    public Builder fingerprintIds(boolean fingerprint) {
      this.fingerprintIds = fingerprint;
      return this;
    }

    /**
     * Names the previous epoch's last entry (its final checkpoint) in this epoch's first entry, so
     * a verifier links the two across a restart; see {@link ChainVerifier#lastEntry}.
     *
     * @param previous the previous epoch's last entry
     * @return this builder
     */
    public Builder resumeAfter(ChainEntry previous) {
      this.previous = Objects.requireNonNull(previous, "previous");
      return this;
    }

    /** {@return the sink, its {@code EPOCH} entry already written} */
    public ChainedAuditSink build() {
      return new ChainedAuditSink(this);
    }

    private static String nonBlank(String value, String name) {
      Objects.requireNonNull(value, name);
      if (value.isBlank()) {
        throw new IllegalArgumentException(name + " must not be blank");
      }
      return value;
    }
  }
}
