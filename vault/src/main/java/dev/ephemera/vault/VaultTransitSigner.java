package dev.ephemera.vault;

import dev.ephemera.core.CredentialConfigurationException;
import dev.ephemera.core.CredentialException;
import dev.ephemera.core.CredentialSource;
import dev.ephemera.core.CredentialUnavailableException;
import dev.ephemera.core.audit.chain.ChainFormat;
import dev.ephemera.core.audit.chain.CheckpointSigner;
import dev.ephemera.vault.internal.TransitClient;
import dev.ephemera.vault.internal.VaultPaths;
import dev.ephemera.vault.internal.VaultTransport;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.util.Objects;

/**
 * A {@link CheckpointSigner} whose key never sits in the workload: Vault's Transit engine signs
 * each checkpoint with an {@code ed25519} key, authenticated with the current Vault token.
 *
 * <pre>{@code
 * VaultTransitSigner signer = vault.transitSigner("audit-signing");
 * // hand signer to the chained audit sink; hand signer.publicKey() to whoever verifies the chain
 * }</pre>
 *
 * <p>Get one from {@link VaultCredentials#transitSigner(String)}, which reads the key's latest
 * version and public key once ({@code GET <mount>/keys/<name>}). The signer stays on that version:
 * every {@link #sign} asks Vault for a signature of it ({@code key_version}) and checks the answer
 * against {@link #publicKey()} before returning it, so a signature always verifies with the key
 * {@link #keyId()} names. After the key is rotated in Vault, build a new signer to sign with the
 * new version; this one goes on signing with its own until Vault refuses it (a raised {@code
 * min_encryption_version}).
 *
 * <p>{@link #sign} makes one request and does not retry; every failure is a {@link
 * GeneralSecurityException} whose message says what went wrong (Vault's own errors quoted,
 * sanitized, never the token) and whose cause is the typed {@link CredentialException}. Answers are
 * bounded like every Vault answer of this module. Thread-safe.
 */
public final class VaultTransitSigner implements CheckpointSigner {
  /** The mount {@link VaultCredentials#transitSigner(String)} uses: {@value}. */
  public static final String DEFAULT_MOUNT = "transit";

  private final CredentialSource<VaultToken> tokens;
  private final String mount;
  private final String keyName;
  private final TransitClient client;
  private final int keyVersion;
  private final PublicKey publicKey;
  private final String keyId;

  VaultTransitSigner(
      VaultTransport transport, CredentialSource<VaultToken> tokens, String mount, String key) {
    this.tokens = tokens;
    this.mount = VaultPaths.normalize(mount, "mount");
    this.keyName = VaultPaths.normalize(key, "key");
    if (keyName.indexOf('/') >= 0) {
      throw new CredentialConfigurationException(
          "key", "must be one Transit key name, not a path: '" + key + "'");
    }
    this.client = new TransitClient(transport, this.mount, keyName);
    TransitClient.KeyVersion latest = client.latest(tokens.get());
    this.keyVersion = latest.version();
    this.publicKey = latest.publicKey();
    this.keyId = ChainFormat.keyId(publicKey);
  }

  /** {@return {@value CheckpointSigner#ED25519}} */
  @Override
  public String algorithm() {
    return ED25519;
  }

  /**
   * {@return the id of {@link #publicKey()}: {@link ChainFormat#keyId(PublicKey)} of the key
   * version this signer signs with}
   */
  @Override
  public String keyId() {
    return keyId;
  }

  /**
   * Has Vault sign {@code message} with this signer's key version, and checks the signature against
   * {@link #publicKey()}.
   *
   * @param message the bytes to sign
   * @return the 64-byte Ed25519 signature
   * @throws GeneralSecurityException when no token is at hand, Vault refuses ({@code permission
   *     denied}, no such key or version), fails, cannot be reached, or answers something that is
   *     not a signature of this key version; the cause is the typed {@link
   *     CredentialUnavailableException} (or {@link CredentialConfigurationException})
   */
  @Override
  public byte[] sign(byte[] message) throws GeneralSecurityException {
    Objects.requireNonNull(message, "message");
    byte[] signature;
    try {
      signature = client.sign(tokens.get(), keyVersion, message);
    } catch (CredentialException e) {
      throw new SignatureException(e.getMessage(), e);
    }
    Signature check = Signature.getInstance(ED25519);
    check.initVerify(publicKey);
    check.update(message);
    if (!check.verify(signature)) {
      throw new SignatureException(
          "Vault Transit signing at "
              + mount
              + "/sign/"
              + keyName
              + " returned a signature that does not verify with version "
              + keyVersion
              + " of the key ("
              + keyId
              + ")");
    }
    return signature;
  }

  /** {@return the public half of the key version this signer signs with, for a chain verifier} */
  public PublicKey publicKey() {
    return publicKey;
  }

  /** {@return the key version this signer signs with, read when it was built} */
  public int keyVersion() {
    return keyVersion;
  }

  /** {@return the Transit key's name, e.g. {@code audit-signing}} */
  public String keyName() {
    return keyName;
  }

  /** {@return the Transit mount, e.g. {@value #DEFAULT_MOUNT}} */
  public String mount() {
    return mount;
  }

  @Override
  public String toString() {
    return "VaultTransitSigner["
        + mount
        + "/keys/"
        + keyName
        + " v"
        + keyVersion
        + " "
        + keyId
        + "]";
  }
}
