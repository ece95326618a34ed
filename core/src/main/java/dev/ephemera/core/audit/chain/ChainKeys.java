package dev.ephemera.core.audit.chain;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Keys of a chain: a fresh Ed25519 key pair, a public key to and from PEM (what {@code openssl
 * genpkey -algorithm ed25519} and {@code openssl pkey -pubout} write), an HMAC key from text.
 */
public final class ChainKeys {
  private static final String BEGIN = "-----BEGIN PUBLIC KEY-----";
  private static final String END = "-----END PUBLIC KEY-----";

  private ChainKeys() {}

  /** {@return a new Ed25519 key pair} */
  public static KeyPair generateEd25519() {
    try {
      return KeyPairGenerator.getInstance(CheckpointSigner.ED25519).generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK cannot make Ed25519 keys", e); // 15 and later can
    }
  }

  /**
   * {@return {@code key} as a PEM {@code PUBLIC KEY} block}
   *
   * @param key the public key
   */
  public static String toPem(PublicKey key) {
    String b64 = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded());
    return BEGIN + "\n" + b64 + "\n" + END + "\n";
  }

  /**
   * {@return the Ed25519 public key in a PEM {@code PUBLIC KEY} block}
   *
   * @param pem the PEM text
   * @throws IllegalArgumentException when it is not an Ed25519 public key in PEM
   */
  public static PublicKey publicKeyFromPem(String pem) {
    Objects.requireNonNull(pem, "pem");
    int begin = pem.indexOf(BEGIN);
    int end = pem.indexOf(END);
    if (begin < 0 || end < begin) {
      throw new IllegalArgumentException("not a PEM PUBLIC KEY block");
    }
    try {
      byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + BEGIN.length(), end));
      return KeyFactory.getInstance(CheckpointSigner.ED25519)
          .generatePublic(new X509EncodedKeySpec(der));
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "not an Ed25519 public key: " + e.getClass().getSimpleName());
    }
  }

  /**
   * {@return an HMAC key written as hex or base64 text (surrounding white space ignored)}
   *
   * @param text the key's text
   * @throws IllegalArgumentException when it is neither, or shorter than 32 bytes
   */
  public static byte[] hmacKeyFromText(String text) {
    String t = Objects.requireNonNull(text, "text").strip();
    byte[] key;
    try {
      key =
          t.matches("[0-9a-fA-F]+") && t.length() % 2 == 0
              ? HexFormat.of().parseHex(t)
              : Base64.getDecoder().decode(t);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the HMAC key is neither hex nor base64");
    }
    if (key.length < 32) {
      throw new IllegalArgumentException(
          "the HMAC key must be at least 32 bytes, is " + key.length);
    }
    return key;
  }
}
