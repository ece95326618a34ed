package dev.ephemera.core.audit.chain;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;

/** A local (or PKCS#11) Ed25519 key: {@link CheckpointSigner#ed25519}. */
final class Ed25519Signer implements CheckpointSigner {
  private final PrivateKey privateKey;
  private final String keyId;

  Ed25519Signer(PrivateKey privateKey, PublicKey publicKey) {
    this.privateKey = privateKey;
    this.keyId = ChainFormat.keyId(publicKey);
  }

  @Override
  public String algorithm() {
    return ED25519;
  }

  @Override
  public String keyId() {
    return keyId;
  }

  @Override
  public byte[] sign(byte[] message) throws GeneralSecurityException {
    Signature s = Signature.getInstance(ED25519);
    s.initSign(privateKey);
    s.update(message);
    return s.sign();
  }

  @Override
  public String toString() {
    return "CheckpointSigner[Ed25519 " + keyId + "]";
  }
}
