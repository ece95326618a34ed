package dev.ephemera.core.audit.chain;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import org.jspecify.annotations.Nullable;

/**
 * A key pair whose private half signs where it lives: a local key, or a PKCS#11 token's through its
 * provider ({@link CheckpointSigner#of}, {@link CheckpointSigner#ed25519}).
 */
final class KeySigner implements CheckpointSigner {
  private final String algorithm;
  private final PrivateKey privateKey;
  private final @Nullable Provider provider;
  private final String keyId;

  KeySigner(
      String algorithm, PrivateKey privateKey, PublicKey publicKey, @Nullable Provider provider) {
    this.algorithm = algorithm;
    this.privateKey = privateKey;
    this.provider = provider;
    this.keyId = ChainFormat.keyId(publicKey);
  }

  @Override
  public String algorithm() {
    return algorithm;
  }

  @Override
  public String keyId() {
    return keyId;
  }

  @Override
  public byte[] sign(byte[] message) throws GeneralSecurityException {
    Signature s =
        provider == null
            ? Signature.getInstance(algorithm)
            : Signature.getInstance(algorithm, provider);
    s.initSign(privateKey);
    s.update(message);
    return s.sign();
  }

  @Override
  public String toString() {
    return "CheckpointSigner["
        + algorithm
        + " "
        + keyId
        + (provider == null ? "" : " in " + provider.getName())
        + "]";
  }
}
