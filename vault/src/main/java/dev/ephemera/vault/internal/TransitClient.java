package dev.ephemera.vault.internal;

import dev.ephemera.core.CredentialConfigurationException;
import dev.ephemera.core.CredentialUnavailableException;
import dev.ephemera.vault.VaultToken;
import io.github.jopenlibs.vault.api.Logical;
import io.github.jopenlibs.vault.json.JsonObject;
import io.github.jopenlibs.vault.json.JsonValue;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One Transit {@code ed25519} key through the driver: {@code GET <mount>/keys/<name>} for the
 * public half of its latest version, {@code POST <mount>/sign/<name>} for signatures of one
 * version, both strictly parsed. No retries and no audit: {@link
 * dev.ephemera.vault.VaultTransitSigner} is the caller.
 */
public final class TransitClient {
  /** The X.509 (SubjectPublicKeyInfo) encoding of an Ed25519 key, before its 32 raw bytes. */
  private static final byte[] ED25519_X509_PREFIX =
      HexFormat.of().parseHex("302a300506032b6570032100");

  private static final int RAW_KEY_LENGTH = 32;
  private static final int SIGNATURE_LENGTH = 64;
  private static final String SIGNATURE_PREFIX = "vault:v";

  /**
   * One version of the key.
   *
   * @param version the key version, from 1
   * @param publicKey its public half
   */
  public record KeyVersion(int version, PublicKey publicKey) {}

  private final VaultTransport transport;
  private final String mount;
  private final String key;

  /**
   * A client for one key.
   *
   * @param mount the Transit mount, already normalized (e.g. {@code transit})
   * @param key the key name, already checked to be one path segment
   */
  public TransitClient(VaultTransport transport, String mount, String key) {
    this.transport = transport;
    this.mount = mount;
    this.key = key;
  }

  /**
   * Reads the key's latest version and its public key.
   *
   * @throws CredentialUnavailableException when Vault refuses (403 REJECTED; 404, no such key,
   *     CONFIGURATION), fails or answers garbage
   * @throws CredentialConfigurationException when the key is not an {@code ed25519} key
   */
  public KeyVersion latest(VaultToken token) {
    String where = mount + "/keys/" + key;
    Reply reply =
        transport.exchange(
            Operation.READ_TRANSIT_KEY,
            where,
            () -> new Logical(transport.config(token.token(), 1, 1)).read(where),
            token.token());
    if (!reply.ok()) {
      throw VaultErrors.failure(Operation.READ_TRANSIT_KEY, where, reply, token.token());
    }
    JsonObject data =
        data(
            VaultJson.root(reply, Operation.READ_TRANSIT_KEY, where),
            Operation.READ_TRANSIT_KEY,
            where);
    String type = VaultJson.string(data, "type");
    if (!type.equals("ed25519")) {
      throw new CredentialConfigurationException(
          "key",
          "names the Transit key "
              + where
              + " of type '"
              + clip(type)
              + "'; a checkpoint signer needs an ed25519 key");
    }
    long latest = VaultJson.number(data, "latest_version", Operation.READ_TRANSIT_KEY, where);
    if (latest < 1 || latest > Integer.MAX_VALUE) {
      throw malformedKey(where, "latest_version " + latest);
    }
    JsonValue keys = data.get("keys");
    JsonValue entry =
        keys != null && keys.isObject() ? keys.asObject().get(Long.toString(latest)) : null;
    if (entry == null || !entry.isObject()) {
      throw malformedKey(where, "no keys entry for its latest version " + latest);
    }
    byte[] raw = decode(VaultJson.string(entry.asObject(), "public_key"));
    if (raw == null || raw.length != RAW_KEY_LENGTH) {
      throw malformedKey(
          where, "a public_key of version " + latest + " that is not 32 bytes of base64");
    }
    return new KeyVersion((int) latest, publicKey(raw, where));
  }

  /**
   * Signs {@code message} with one version of the key.
   *
   * @return the raw 64-byte Ed25519 signature
   * @throws CredentialUnavailableException when Vault refuses (403 REJECTED; 400, no such key or
   *     version, CONFIGURATION), fails, or answers garbage or a signature of another version
   */
  public byte[] sign(VaultToken token, int version, byte[] message) {
    String where = mount + "/sign/" + key;
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("input", Base64.getEncoder().encodeToString(message));
    body.put("key_version", version);
    Reply reply =
        transport.exchange(
            Operation.TRANSIT_SIGN,
            where,
            () -> new Logical(transport.config(token.token(), 1, 1)).write(where, body),
            token.token());
    if (!reply.ok()) {
      throw VaultErrors.failure(Operation.TRANSIT_SIGN, where, reply, token.token());
    }
    JsonObject data =
        data(VaultJson.root(reply, Operation.TRANSIT_SIGN, where), Operation.TRANSIT_SIGN, where);
    String signature = VaultJson.string(data, "signature");
    if (!signature.startsWith(SIGNATURE_PREFIX)) {
      throw VaultErrors.malformed(
          Operation.TRANSIT_SIGN, where, "no signature of the form vault:v<version>:<base64>");
    }
    int colon = signature.indexOf(':', SIGNATURE_PREFIX.length());
    String signedWith = colon < 0 ? "" : signature.substring(SIGNATURE_PREFIX.length(), colon);
    if (!signedWith.equals(Integer.toString(version))) {
      throw VaultErrors.malformed(
          Operation.TRANSIT_SIGN,
          where,
          "a signature of key version '" + clip(signedWith) + "', not of the asked " + version);
    }
    byte[] raw = decode(signature.substring(colon + 1));
    if (raw == null || raw.length != SIGNATURE_LENGTH) {
      throw VaultErrors.malformed(
          Operation.TRANSIT_SIGN, where, "a signature that is not 64 bytes of base64");
    }
    return raw;
  }

  private static JsonObject data(JsonObject root, Operation op, String where) {
    JsonValue data = root.get("data");
    if (data == null || !data.isObject()) {
      throw VaultErrors.malformed(op, where, "no data object (is this a Transit mount?)");
    }
    return data.asObject();
  }

  private static CredentialUnavailableException malformedKey(String where, String problem) {
    return VaultErrors.malformed(Operation.READ_TRANSIT_KEY, where, problem);
  }

  private static byte @Nullable [] decode(String base64) {
    try {
      return Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** A value Vault sent, cut short for a message. */
  private static String clip(String s) {
    return s.length() <= 32 ? s : s.substring(0, 32) + "...";
  }

  /** The key from its raw 32 bytes: the X.509 encoding is a fixed prefix and those bytes. */
  private static PublicKey publicKey(byte[] raw, String where) {
    byte[] x509 = new byte[ED25519_X509_PREFIX.length + raw.length];
    System.arraycopy(ED25519_X509_PREFIX, 0, x509, 0, ED25519_X509_PREFIX.length);
    System.arraycopy(raw, 0, x509, ED25519_X509_PREFIX.length, raw.length);
    KeyFactory factory;
    try {
      factory = KeyFactory.getInstance("Ed25519");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no Ed25519", e); // every JDK 15+ has it
    }
    try {
      return factory.generatePublic(new X509EncodedKeySpec(x509));
    } catch (GeneralSecurityException e) {
      throw malformedKey(where, "a public_key that is not an Ed25519 key");
    }
  }

  @Override
  public String toString() {
    return "TransitClient[" + mount + "/keys/" + key + "]";
  }
}
