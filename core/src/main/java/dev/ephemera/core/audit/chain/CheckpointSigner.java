package dev.ephemera.core.audit.chain;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Objects;

/**
 * Signs the chain head in a {@code CHECKPOINT} entry of a {@link ChainedAuditSink}. The signing key
 * need not sit in the workload: besides a local key ({@link #ed25519(PrivateKey, PublicKey)}) a
 * signer can be a PKCS#11 token or a remote service such as Vault's Transit engine.
 *
 * <p>A signer signs the bytes {@link ChainFormat#checkpointMessage} builds; {@link #algorithm()}
 * and {@link #keyId()} are written beside the signature so a verifier knows which key to check it
 * with. Implementations must be thread-safe; {@link #sign} may block (a remote signer does I/O),
 * and runs on the audit delivery thread, never on a caller's.
 */
public interface CheckpointSigner {
  /** The algorithm name written in checkpoints signed with an Ed25519 key. */
  String ED25519 = "Ed25519";

  /** {@return the signature algorithm, e.g. {@value #ED25519}} */
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
   * @return the signature, in the algorithm's standard encoding (64 bytes for Ed25519)
   * @throws GeneralSecurityException when the key cannot sign (a checkpoint is then written as a
   *     declared unsigned checkpoint, never skipped)
   */
  byte[] sign(byte[] message) throws GeneralSecurityException;

  /**
   * {@return a signer over a local Ed25519 key pair} The key's id is derived from {@code
   * publicKey}.
   *
   * @param privateKey the signing key (an Ed25519 key from any provider, a PKCS#11 one included)
   * @param publicKey its public half, named in every checkpoint by {@link ChainFormat#keyId}
   */
  static CheckpointSigner ed25519(PrivateKey privateKey, PublicKey publicKey) {
    return new Ed25519Signer(
        Objects.requireNonNull(privateKey, "privateKey"),
        Objects.requireNonNull(publicKey, "publicKey"));
  }
}
