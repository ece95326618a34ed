package dev.ephemera.core.audit.chain;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECKey;
import java.security.spec.ECParameterSpec;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The chain's wire format, {@value #VERSION}, in one place: what {@link ChainedAuditSink} writes
 * and {@link ChainVerifier} checks, public so that anyone can write a verifier of their own.
 *
 * <p>A chain file is JSON lines. Each line is one entry: a JSON object whose members are, in this
 * order, {@code v} ({@value #VERSION}), {@code origin}, {@code epoch}, {@code seq}, {@code kind}
 * ({@code EPOCH}, {@code EVENT}, {@code GAP} or {@code CHECKPOINT}), {@code time}, {@code prev}
 * (the previous entry's hash, 64 zeros for an epoch's first), then the kind's own members, then a
 * trailer: {@code hash}, for a checkpoint {@code sig}, and with an HMAC key {@code mac}. The
 * <em>body</em> is the line with the trailer cut off and {@code }} put back: the JSON object
 * without {@code hash}, {@code sig} and {@code mac}. Then:
 *
 * <ul>
 *   <li>{@code hash} = hex(SHA-256({@value #ENTRY_DOMAIN} + body)), over UTF-8 bytes;
 *   <li>{@code mac} = hex(HMAC-SHA256(k<sub>n</sub>, hash as bytes)) for the epoch's n-th entry
 *       (its {@code EPOCH} entry is the 0th; entries, not seq numbers, are counted), where
 *       k<sub>0</sub> = HMAC-SHA256(key, {@value #EPOCH_KEY_DOMAIN} + epoch) and k<sub>n+1</sub> =
 *       SHA-256({@value #RATCHET_DOMAIN} + k<sub>n</sub>): the writer keeps only the next key, so
 *       whoever steals it cannot forge an earlier entry;
 *   <li>{@code sig} = base64(signature over {@link #checkpointMessage}) of the head the checkpoint
 *       names: the entry before it.
 * </ul>
 *
 * <p>{@code seq} counts from 0 within an epoch and rises by one an entry, but at a {@code GAP}: a
 * gap declares {@code lost} entries before it, so its seq is the one expected plus {@code lost},
 * and its {@code prev} is the hash of the last entry written. A lost entry is either an event
 * dropped before it reached the sink or an entry the sink could not write.
 *
 * <p>Kinds' members: {@code EPOCH} has {@code previous} ({@code origin}, {@code epoch}, {@code
 * seq}, {@code hash} of the entry it follows, from the process before) when it is given one; {@code
 * EVENT} has {@code event}, an {@code ephemera.audit/v1} event; {@code GAP} has {@code lost} and
 * {@code reason}; {@code CHECKPOINT} has {@code head} ({@code seq} and {@code hash} of the entry
 * before it, and the {@code time} signed, the checkpoint's own), {@code final} ({@code true} at
 * close), and {@code alg} and {@code key} when signed, or {@code unsigned} (why not) when not.
 *
 * <p>{@code alg} is one of two: {@value CheckpointSigner#ED25519}, for an Ed25519 key (the 64-byte
 * signature of RFC 8032), or {@value CheckpointSigner#ECDSA_P256}, for an EC key on P-256
 * (secp256r1): ECDSA over SHA-256, the signature DER-encoded as {@code SEQUENCE {r, s}}, what the
 * JDK and a PKCS#11 token through SunPKCS11 sign with. A verifier accepts no other, nor an {@code
 * alg} that is not its key's: either is a forged checkpoint.
 */
public final class ChainFormat {
  /** The format's version, the {@code v} of every entry. */
  public static final String VERSION = "ephemera.chain/v1";

  /** What the hash of every entry's body is prefixed with. */
  public static final String ENTRY_DOMAIN = "ephemera.chain/v1 entry\n";

  /** What a checkpoint's signed message starts with. */
  public static final String CHECKPOINT_DOMAIN = "ephemera.chain/v1 checkpoint\n";

  /** What derives an epoch's first MAC key from the HMAC key. */
  public static final String EPOCH_KEY_DOMAIN = "ephemera.chain/v1 epoch key\n";

  /** What ratchets one MAC key to the next. */
  public static final String RATCHET_DOMAIN = "ephemera.chain/v1 ratchet\n";

  /** What derives the key of the fingerprints of identifiers. */
  public static final String FINGERPRINT_DOMAIN = "ephemera.chain/v1 fingerprint\n";

  /** The {@code prev} of an epoch's first entry. */
  public static final String NO_PREVIOUS = "0".repeat(64);

  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] ENTRY_DOMAIN_BYTES = ENTRY_DOMAIN.getBytes(StandardCharsets.UTF_8);

  /** The algorithms a checkpoint may be signed with. */
  static final List<String> ALGORITHMS =
      List.of(CheckpointSigner.ED25519, CheckpointSigner.ECDSA_P256);

  /** The order of P-256's base point: with the field size, what tells the curve apart. */
  private static final BigInteger P256_ORDER =
      new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);

  private ChainFormat() {}

  /**
   * {@return the hash of an entry's body, as lowercase hex}
   *
   * @param body the entry without its trailer, as {@link ChainFormat} defines it
   */
  public static String hash(String body) {
    return hash(sha256(), body);
  }

  /** {@return {@link #hash(String)} computed with {@code sha}, a SHA-256 digest reused} */
  static String hash(MessageDigest sha, String body) {
    sha.reset();
    sha.update(ENTRY_DOMAIN_BYTES);
    return HEX.formatHex(sha.digest(body.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * {@return the bytes a checkpoint signs: the domain, then origin, epoch, the head's seq, the
   * head's hash and the checkpoint's time, each ended by a newline}
   *
   * @param origin the chain's origin
   * @param epoch the epoch
   * @param headSeq the seq of the entry the checkpoint signs (the one before it)
   * @param headHash that entry's hash
   * @param time the checkpoint's time (its {@code head.time})
   */
  public static byte[] checkpointMessage(
      String origin, String epoch, long headSeq, String headHash, Instant time) {
    String m =
        CHECKPOINT_DOMAIN
            + origin
            + '\n'
            + epoch
            + '\n'
            + headSeq
            + '\n'
            + headHash
            + '\n'
            + time
            + '\n';
    return m.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * {@return a public key's id: {@code sha256:} and the first 16 bytes, in hex, of the SHA-256 of
   * its X.509 encoding}
   *
   * @param key the key
   */
  public static String keyId(PublicKey key) {
    byte[] digest = sha256().digest(key.getEncoded());
    return "sha256:" + HEX.formatHex(digest, 0, 16);
  }

  /**
   * {@return the algorithm of checkpoints {@code key} verifies, or null when a chain has none for
   * it} {@value CheckpointSigner#ED25519} for an Ed25519 key, {@value CheckpointSigner#ECDSA_P256}
   * for an EC key on P-256.
   */
  static @Nullable String algorithmFor(PublicKey key) {
    if (key instanceof EdECKey ed) {
      return ed.getParams().getName().equalsIgnoreCase(CheckpointSigner.ED25519)
          ? CheckpointSigner.ED25519
          : null;
    }
    if (key instanceof ECPublicKey ec) {
      ECParameterSpec p = ec.getParams();
      return p.getCurve().getField().getFieldSize() == 256 && p.getOrder().equals(P256_ORDER)
          ? CheckpointSigner.ECDSA_P256
          : null;
    }
    return CheckpointSigner.ED25519.equalsIgnoreCase(key.getAlgorithm())
        ? CheckpointSigner.ED25519
        : null;
  }

  /**
   * {@return the algorithm of checkpoints {@code key} verifies}
   *
   * @throws IllegalArgumentException when it is neither an Ed25519 nor an EC P-256 key
   */
  static String algorithmOf(PublicKey key) {
    String alg = algorithmFor(Objects.requireNonNull(key, "publicKey"));
    if (alg == null) {
      throw new IllegalArgumentException(
          "publicKey is neither an Ed25519 nor an EC P-256 key: " + key.getAlgorithm());
    }
    return alg;
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e); // every JDK has it
    }
  }

  static HexFormat hex() {
    return HEX;
  }
}
