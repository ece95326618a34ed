package dev.ephemera.core.audit.chain;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * Keys of a chain: a fresh Ed25519 key pair, a public key to and from PEM (what {@code openssl
 * genpkey -algorithm ed25519} and {@code openssl pkey -pubout} write; Ed25519 or EC P-256, a
 * PKCS#11 token's key), an HMAC key from text.
 */
public final class ChainKeys {
  private static final String BEGIN = "-----BEGIN PUBLIC KEY-----";
  private static final String END = "-----END PUBLIC KEY-----";

  /** The key factories a PEM key is read with, in turn. */
  private static final List<String> KINDS = List.of(CheckpointSigner.ED25519, "EC");

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
   * {@return the Ed25519 or EC P-256 public key in a PEM {@code PUBLIC KEY} block}
   *
   * @param pem the PEM text
   * @throws IllegalArgumentException when it is neither an Ed25519 nor an EC P-256 public key in
   *     PEM
   */
  public static PublicKey publicKeyFromPem(String pem) {
    Objects.requireNonNull(pem, "pem");
    int begin = pem.indexOf(BEGIN);
    int end = pem.indexOf(END);
    if (begin < 0 || end < begin) {
      throw new IllegalArgumentException("not a PEM PUBLIC KEY block");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(pem.substring(begin + BEGIN.length(), end));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a PEM PUBLIC KEY block: its base64 is broken");
    }
    String failure = "";
    for (String kind : KINDS) {
      try {
        PublicKey key = KeyFactory.getInstance(kind).generatePublic(new X509EncodedKeySpec(der));
        if (ChainFormat.algorithmFor(key) != null) {
          return key;
        }
        failure = "an EC key on another curve than P-256";
      } catch (GeneralSecurityException e) {
        failure = e.getClass().getSimpleName();
      }
    }
    throw new IllegalArgumentException("neither an Ed25519 nor an EC P-256 public key: " + failure);
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
