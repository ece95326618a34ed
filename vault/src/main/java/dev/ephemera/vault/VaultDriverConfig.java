package dev.ephemera.vault;

import dev.ephemera.core.CredentialSource;
import dev.ephemera.vault.internal.NoEnvironment;
import io.github.jopenlibs.vault.VaultConfig;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.util.Objects;

/**
 * A Vault driver configuration whose token is always the one an Ephemera token source holds, for
 * code that already uses {@code io.github.jopenlibs.vault}: every driver call reads {@link
 * #getToken()}, which follows login, renewal and rotation.
 *
 * <pre>{@code
 * Vault vault = Vault.create(credentials.driverConfig(), 2);   // address, TLS, namespace set
 * vault.logical().read("secret/app/db");
 * }</pre>
 *
 * <p>{@link #getToken()} is one volatile read on the source's hot path: no lock, no allocation, no
 * I/O while a valid token is held. With none held it waits like {@link CredentialSource#get()} and
 * throws {@link dev.ephemera.core.CredentialUnavailableException}, which the driver wraps in its
 * {@code VaultException}. {@link #token(String)} is refused, and the configuration does not read
 * {@code VAULT_TOKEN} or {@code ~/.vault-token}. It cannot be serialized (it is bound to a live
 * source).
 */
public final class VaultDriverConfig extends VaultConfig {
  private static final long serialVersionUID = 1L;

  @SuppressWarnings("serial") // never serialized: writeObject refuses
  private final transient CredentialSource<VaultToken> tokens;

  private VaultDriverConfig(CredentialSource<VaultToken> tokens) {
    this.tokens = Objects.requireNonNull(tokens, "tokens");
    environmentLoader(NoEnvironment.INSTANCE);
  }

  /**
   * {@return an unbuilt configuration bound to {@code tokens}; set the address (and TLS, namespace,
   * timeouts) and call {@code build()}} {@link VaultCredentials#driverConfig()} returns one ready
   * to use.
   *
   * @param tokens the tokens
   */
  public static VaultDriverConfig of(CredentialSource<VaultToken> tokens) {
    return new VaultDriverConfig(tokens);
  }

  /** The token the source holds now. */
  @Override
  public String getToken() {
    return tokens.get().token().reveal();
  }

  /**
   * Refused: the token comes from the source.
   *
   * @throws UnsupportedOperationException always
   */
  @Override
  public VaultConfig token(String token) {
    throw new UnsupportedOperationException(
        "the token of a VaultDriverConfig comes from its Ephemera token source");
  }

  /**
   * Refuses serialization: the configuration is bound to a live token source.
   *
   * @param out the stream that would receive the object
   * @throws NotSerializableException always
   */
  private void writeObject(ObjectOutputStream out) throws NotSerializableException {
    throw new NotSerializableException("VaultDriverConfig is bound to a live token source");
  }

  @Override
  public String toString() {
    return "VaultDriverConfig[address=" + getAddress() + ", source=" + tokens.name() + "]";
  }
}
