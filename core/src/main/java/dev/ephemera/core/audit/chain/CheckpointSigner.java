package dev.ephemera.core.audit.chain;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.util.Objects;

/**
 * Signs the chain head in a {@code CHECKPOINT} entry of a {@link ChainedAuditSink}. The signing key
 * need not sit in the workload: besides a local key ({@link #of(PrivateKey, PublicKey)}) a signer
 * can be a key in a PKCS#11 token ({@link #of(PrivateKey, PublicKey, Provider)}) or a remote
 * service such as Vault's Transit engine.
 *
 * <p>A signer signs the bytes {@link ChainFormat#checkpointMessage} builds; {@link #algorithm()}
 * and {@link #keyId()} are written beside the signature so a verifier knows which key to check it
 * with. Implementations must be thread-safe; {@link #sign} may block (a remote signer does I/O),
 * and runs on the audit delivery thread, never on a caller's.
 */
public interface CheckpointSigner {
  /** The algorithm name written in checkpoints signed with an Ed25519 key. */
  String ED25519 = "Ed25519";

  /**
   * The algorithm name written in checkpoints signed with an EC key on P-256 (secp256r1): ECDSA
   * over SHA-256, the signature DER-encoded. What a PKCS#11 token signs with through the JDK's
   * SunPKCS11 provider, which has no Ed25519 (JDK 17 to 25).
   */
  String ECDSA_P256 = "SHA256withECDSA";

  /** {@return the signature algorithm: {@value #ED25519} or {@value #ECDSA_P256}} */
  String algorithm();

  /**
   * {@return the id of the verifying key: {@link ChainFormat#keyId(PublicKey)} of the public key
   * for a local or PKCS#11 key, or a name the remote signer gives it}
   */
  String keyId();

  /**
   * Signs {@code message}.
   *
   * @param message the bytes to sign
   * @return the signature, in the algorithm's standard encoding (64 bytes for Ed25519, DER for
   *     ECDSA)
   * @throws GeneralSecurityException when the key cannot sign (a checkpoint is then written as a
   *     declared unsigned checkpoint, never skipped)
   */
  byte[] sign(byte[] message) throws GeneralSecurityException;

  /**
   * {@return a signer over a local Ed25519 key pair} The key's id is derived from {@code
   * publicKey}.
   *
   * @param privateKey the signing key (an Ed25519 key from any installed provider)
   * @param publicKey its public half, named in every checkpoint by {@link ChainFormat#keyId}
   * @throws IllegalArgumentException when {@code publicKey} is not an Ed25519 key
   */
  static CheckpointSigner ed25519(PrivateKey privateKey, PublicKey publicKey) {
    CheckpointSigner signer = of(privateKey, publicKey);
    if (!signer.algorithm().equals(ED25519)) {
      throw new IllegalArgumentException("publicKey is not an Ed25519 key");
    }
    return signer;
  }

  /**
   * {@return a signer over a key pair, Ed25519 or EC P-256} The algorithm follows from {@code
   * publicKey}: {@value #ED25519} for an Ed25519 key, {@value #ECDSA_P256} for an EC key on P-256.
   * The signature is made by whichever installed provider takes {@code privateKey} (the JCA's
   * delayed provider selection); for a key of a provider that is not installed, as a PKCS#11
   * token's usually is not, name it with {@link #of(PrivateKey, PublicKey, Provider)}.
   *
   * @param privateKey the signing key
   * @param publicKey its public half, named in every checkpoint by {@link ChainFormat#keyId}
   * @throws IllegalArgumentException when {@code publicKey} is neither Ed25519 nor EC P-256
   */
  static CheckpointSigner of(PrivateKey privateKey, PublicKey publicKey) {
    return new KeySigner(
        ChainFormat.algorithmOf(publicKey),
        Objects.requireNonNull(privateKey, "privateKey"),
        publicKey,
        null);
  }

  /**
   * {@return a signer over a key pair whose private half only {@code provider} can use} As {@link
   * #of(PrivateKey, PublicKey)}, every signature made by {@code provider}: a PKCS#11 token's key
   * through the SunPKCS11 provider configured for the token ({@code
   * Security.getProvider("SunPKCS11").configure(config)}), the key never leaving the token. The
   * provider need not be installed; through SunPKCS11 a token's key is EC P-256, since SunPKCS11
   * has no Ed25519 (JDK 17 to 25).
   *
   * @param privateKey the signing key, e.g. a token's, from the provider's {@code KeyStore} or
   *     {@code KeyPairGenerator}
   * @param publicKey its public half, named in every checkpoint by {@link ChainFormat#keyId}
   * @param provider the provider that signs with {@code privateKey}
   * @throws IllegalArgumentException when {@code publicKey} is neither Ed25519 nor EC P-256
   */
  static CheckpointSigner of(PrivateKey privateKey, PublicKey publicKey, Provider provider) {
    return new KeySigner(
        ChainFormat.algorithmOf(publicKey),
        Objects.requireNonNull(privateKey, "privateKey"),
        publicKey,
        Objects.requireNonNull(provider, "provider"));
  }
}
