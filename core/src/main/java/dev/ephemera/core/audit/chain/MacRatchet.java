package dev.ephemera.core.audit.chain;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The forward-secure MAC keys of one epoch ({@link ChainFormat}): k<sub>0</sub> from the HMAC key
 * and the epoch, each next key the hash of the last. It holds only the key of the next entry; the
 * writer and the verifier both walk it forward.
 */
final class MacRatchet {
  private static final byte[] RATCHET = ChainFormat.RATCHET_DOMAIN.getBytes(StandardCharsets.UTF_8);

  private final Mac mac =
      newMac(); // one per ratchet: looking an algorithm up costs more than a MAC
  private byte[] key;

  private MacRatchet(byte[] key) {
    this.key = key;
  }

  /** {@return the ratchet at k<sub>0</sub> of {@code epoch}} */
  static MacRatchet start(byte[] hmacKey, String epoch) {
    return new MacRatchet(derive(hmacKey, ChainFormat.EPOCH_KEY_DOMAIN + epoch));
  }

  /** {@return HMAC-SHA256(key, label)} */
  static byte[] derive(byte[] key, String label) {
    return hmac(newMac(), key, label.getBytes(StandardCharsets.UTF_8));
  }

  /** {@return the MAC, in hex, of the entry whose hash is {@code hashHex}, with the current key} */
  String mac(String hashHex) {
    return ChainFormat.hex().formatHex(hmac(mac, key, ChainFormat.hex().parseHex(hashHex)));
  }

  /**
   * {@return whether {@code macHex} is the MAC of {@code hashHex} under the current key or one of
   * the next {@code ahead - 1} (entries deleted before it); the ratchet moves to the key that
   * verified}
   */
  boolean verifiesWithin(String hashHex, String macHex, int ahead) {
    byte[] probe = key.clone();
    for (int i = 0; i < ahead; i++) {
      if (ChainFormat.hex()
          .formatHex(hmac(mac, probe, ChainFormat.hex().parseHex(hashHex)))
          .equals(macHex)) {
        for (int j = 0; j < i; j++) {
          advance();
        }
        Arrays.fill(probe, (byte) 0);
        return true;
      }
      byte[] following = next(probe);
      Arrays.fill(probe, (byte) 0);
      probe = following;
    }
    Arrays.fill(probe, (byte) 0);
    return false;
  }

  private static byte[] next(byte[] key) {
    MessageDigest sha = ChainFormat.sha256();
    sha.update(RATCHET);
    return sha.digest(key);
  }

  /** Moves to the next entry's key and forgets the current one. */
  void advance() {
    byte[] next = next(key);
    Arrays.fill(key, (byte) 0);
    key = next;
  }

  private static byte[] hmac(Mac mac, byte[] key, byte[] data) {
    try {
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 refused a 32-byte key", e); // it never does
    }
  }

  private static Mac newMac() {
    try {
      return Mac.getInstance("HmacSHA256");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no HmacSHA256", e); // every JDK has it
    }
  }

  @Override
  public String toString() {
    return "MacRatchet[key hidden]";
  }
}
