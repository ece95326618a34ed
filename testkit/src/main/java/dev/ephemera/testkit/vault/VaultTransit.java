package dev.ephemera.testkit.vault;

import static dev.ephemera.testkit.vault.VaultJson.errors;
import static dev.ephemera.testkit.vault.VaultJson.permissionDenied;
import static dev.ephemera.testkit.vault.VaultJson.rfc3339;
import static dev.ephemera.testkit.vault.VaultJson.text;
import static dev.ephemera.testkit.vault.VaultPaths.trimSlashes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ephemera.testkit.emulator.EmulatedRequest;
import dev.ephemera.testkit.emulator.EmulatedResponse;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The Transit secrets engine for {@code ed25519} keys: {@code <mount>/keys/<name>} (create, read),
 * {@code <mount>/keys/<name>/rotate}, {@code <mount>/sign/<name>} and {@code
 * <mount>/verify/<name>}, with Vault's bodies and error texts. A mount answers only tokens holding
 * one of its policies (Vault's ACL {@code path "<mount>/*"}); the {@code default} policy alone
 * grants nothing, as in Vault. Not thread-safe: {@link VaultProtocol} serialises every call.
 */
final class VaultTransit {
  /** Vault's key-name pattern ({@code framework.GenericNameRegex}). */
  private static final Pattern NAME = Pattern.compile("\\w(([\\w.-]+)?\\w)?");

  private static final String TYPE = "ed25519";
  private static final String PREFIX = "vault:v";

  /** One key: its versions, oldest first (version n at index n - 1). */
  private static final class Key {
    final String name;
    final List<KeyPair> versions = new ArrayList<>();
    final List<Instant> created = new ArrayList<>();

    Key(String name) {
      this.name = name;
    }

    int latest() {
      return versions.size();
    }
  }

  private static final class Mount {
    final Set<String> policies = new LinkedHashSet<>();
    final Map<String, Key> keys = new LinkedHashMap<>();
  }

  private final Clock clock;
  private final VaultTokens tokens;
  private final Map<String, Mount> mounts = new LinkedHashMap<>();

  VaultTransit(Clock clock, VaultTokens tokens) {
    this.clock = clock;
    this.tokens = tokens;
  }

  // ------------------------------------------------------------------ configuration

  void mount(String mount, List<String> policies) {
    Mount m = mounts.computeIfAbsent(mountName(mount), k -> new Mount());
    for (String p : policies) {
      m.policies.add(VaultRole.requireText(p, "policy"));
    }
  }

  void addKey(String mount, String name) {
    Mount m = mounts.computeIfAbsent(mountName(mount), k -> new Mount());
    String n = keyName(name);
    if (m.keys.containsKey(n)) {
      throw new IllegalArgumentException("transit key " + mount + "/" + n + " already exists");
    }
    Key k = new Key(n);
    addVersion(k);
    m.keys.put(n, k);
  }

  int rotate(String mount, String name) {
    Key k = key(mount, name);
    addVersion(k);
    return k.latest();
  }

  /** The public key of {@code version}, 0 for the latest. */
  PublicKey publicKey(String mount, String name, int version) {
    Key k = key(mount, name);
    if (version == 0) {
      return k.versions.get(k.latest() - 1).getPublic();
    }
    if (version < 1 || version > k.latest()) {
      throw new IllegalArgumentException(
          "transit key " + mount + "/" + name + " has versions 1.." + k.latest() + ": " + version);
    }
    return k.versions.get(version - 1).getPublic();
  }

  private Key key(String mount, String name) {
    Mount m = mounts.get(mountName(mount));
    Key k = m == null ? null : m.keys.get(name);
    if (k == null) {
      throw new IllegalArgumentException("no transit key " + mount + "/" + name);
    }
    return k;
  }

  private static String mountName(String mount) {
    return trimSlashes(VaultRole.requireText(mount, "mount"));
  }

  private static String keyName(String name) {
    if (!NAME.matcher(VaultRole.requireText(name, "name")).matches()) {
      throw new IllegalArgumentException("not a Transit key name: " + name);
    }
    return name;
  }

  private void addVersion(Key k) {
    try {
      k.versions.add(KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no Ed25519", e); // every JDK 15+ has it
    }
    k.created.add(clock.instant());
  }

  // ------------------------------------------------------------------ the wire

  /** The answer for {@code path} if it lies under a Transit mount, else null. */
  @Nullable EmulatedResponse handle(
      String path, String method, JsonNode body, EmulatedRequest request) {
    for (Map.Entry<String, Mount> e : mounts.entrySet()) {
      String mount = e.getKey();
      if (path.startsWith(mount + "/")) {
        return route(e.getValue(), path, path.substring(mount.length() + 1), method, body, request);
      }
    }
    return null;
  }

  private EmulatedResponse route(
      Mount m, String path, String rest, String method, JsonNode body, EmulatedRequest request) {
    TokenRecord t = tokens.caller(request);
    if (t == null || Collections.disjoint(t.policies(), m.policies)) {
      return permissionDenied();
    }
    String[] parts = rest.split("/", -1);
    if (parts.length < 2 || !NAME.matcher(parts[1]).matches()) {
      return VaultJson.noHandler(path);
    }
    String name = parts[1];
    if (parts.length == 3 && parts[0].equals("keys") && parts[2].equals("rotate")) {
      return method.equals("POST") ? rotate(m, name) : unsupported();
    }
    if (parts.length != 2) {
      return VaultJson.noHandler(path);
    }
    return switch (parts[0]) {
      case "keys" -> {
        if (method.equals("GET")) {
          yield read(m, name);
        }
        yield method.equals("POST") ? create(m, name, body) : unsupported();
      }
      case "sign" -> method.equals("POST") ? sign(m, name, body) : unsupported();
      case "verify" -> method.equals("POST") ? verify(m, name, body) : unsupported();
      default -> VaultJson.noHandler(path);
    };
  }

  private static EmulatedResponse unsupported() {
    return errors(405, List.of("unsupported operation"));
  }

  private EmulatedResponse create(Mount m, String name, JsonNode body) {
    Key existing = m.keys.get(name);
    if (existing != null) {
      return keyInfo(existing); // Vault's create is an upsert that keeps the key
    }
    String type = text(body, "type");
    if (type.isEmpty()) {
      type = "aes256-gcm96"; // Vault's default
    }
    if (!type.equals(TYPE)) {
      return errors(400, List.of("key type " + type + " is not emulated; only ed25519 is"));
    }
    Key k = new Key(name);
    addVersion(k);
    m.keys.put(name, k);
    return keyInfo(k);
  }

  private static EmulatedResponse read(Mount m, String name) {
    Key k = m.keys.get(name);
    return k == null ? errors(404, List.of()) : keyInfo(k);
  }

  private EmulatedResponse rotate(Mount m, String name) {
    Key k = m.keys.get(name);
    if (k == null) {
      return errors(400, List.of("key not found"));
    }
    addVersion(k);
    return keyInfo(k);
  }

  private static EmulatedResponse sign(Mount m, String name, JsonNode body) {
    Key k = m.keys.get(name);
    if (k == null) {
      return errors(400, List.of("encryption key not found"));
    }
    Integer asked = keyVersion(body);
    if (asked == null) {
      return errors(400, List.of("1 error occurred:\n\t* cannot parse 'key_version' as int"));
    }
    int version = asked;
    if (version == 0) {
      version = k.latest();
    } else if (version < 0) {
      return errors(400, List.of("requested version for signing is negative"));
    } else if (version > k.latest()) {
      return errors(
          400, List.of("requested version for signing is higher than the latest key version"));
    }
    byte[] input = base64(text(body, "input"));
    if (input == null) {
      return errors(400, List.of("unable to decode input as base64: illegal base64 data"));
    }
    byte[] sig;
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(k.versions.get(version - 1).getPrivate());
      s.update(input);
      sig = s.sign();
    } catch (GeneralSecurityException e) {
      return errors(500, List.of("signature could not be computed"));
    }
    ObjectNode data = VaultJson.NODES.objectNode();
    data.put("signature", PREFIX + version + ":" + Base64.getEncoder().encodeToString(sig));
    data.put("key_version", version);
    return VaultJson.data(data);
  }

  private static EmulatedResponse verify(Mount m, String name, JsonNode body) {
    String signature = text(body, "signature");
    if (signature.isEmpty()) {
      return errors(400, List.of("neither a 'signature' nor an 'hmac' were given to verify"));
    }
    Key k = m.keys.get(name);
    if (k == null) {
      return errors(400, List.of("encryption key not found"));
    }
    byte[] input = base64(text(body, "input"));
    if (input == null) {
      return errors(400, List.of("unable to decode input as base64: illegal base64 data"));
    }
    if (!signature.startsWith(PREFIX)) {
      return errors(400, List.of("invalid signature prefix"));
    }
    String[] split = signature.substring(PREFIX.length()).split(":", 2);
    if (split.length != 2) {
      return errors(400, List.of("invalid signature: wrong number of fields"));
    }
    int version;
    try {
      version = Integer.parseInt(split[0]);
    } catch (NumberFormatException e) {
      return errors(400, List.of("invalid signature version"));
    }
    if (version < 1 || version > k.latest()) {
      return errors(400, List.of("invalid signature version"));
    }
    byte[] sig = base64(split[1]);
    if (sig == null) {
      return errors(400, List.of("invalid base64 signature value"));
    }
    boolean valid;
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initVerify(k.versions.get(version - 1).getPublic());
      s.update(input);
      valid = s.verify(sig);
    } catch (GeneralSecurityException e) {
      valid = false; // a signature of the wrong length: Go's ed25519.Verify says false too
    }
    ObjectNode data = VaultJson.NODES.objectNode();
    data.put("valid", valid);
    return VaultJson.data(data);
  }

  /** {@code key_version} as a number or a numeric string; 0 when absent; null when unreadable. */
  private static @Nullable Integer keyVersion(JsonNode body) {
    JsonNode v = body.get("key_version");
    if (v == null || v.isNull()) {
      return 0;
    }
    if (v.isIntegralNumber() && v.canConvertToInt()) {
      return v.intValue();
    }
    if (v.isTextual()) {
      try {
        return v.asText().isEmpty() ? 0 : Integer.parseInt(v.asText());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  private static byte @Nullable [] base64(String text) {
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** What {@code GET <mount>/keys/<name>} (and create and rotate) answer for an ed25519 key. */
  private static EmulatedResponse keyInfo(Key k) {
    ObjectNode data = VaultJson.NODES.objectNode();
    data.put("allow_plaintext_backup", false);
    data.put("auto_rotate_period", 0);
    data.put("deletion_allowed", false);
    data.put("derived", false);
    data.put("exportable", false);
    data.put("imported_key", false);
    ObjectNode keys = data.putObject("keys");
    for (int i = 0; i < k.versions.size(); i++) {
      byte[] x509 = k.versions.get(i).getPublic().getEncoded();
      ObjectNode v = keys.putObject(Integer.toString(i + 1));
      v.put("certificate_chain", "");
      v.put("creation_time", rfc3339(k.created.get(i)));
      v.put("name", TYPE);
      v.put(
          "public_key",
          Base64.getEncoder()
              .encodeToString(Arrays.copyOfRange(x509, x509.length - 32, x509.length)));
    }
    data.put("latest_version", k.latest());
    data.put("min_available_version", 0);
    data.put("min_decryption_version", 1);
    data.put("min_encryption_version", 0);
    data.put("name", k.name);
    data.put("supports_decryption", false);
    data.put("supports_derivation", true);
    data.put("supports_encryption", false);
    data.put("supports_signing", true);
    data.put("type", TYPE);
    return VaultJson.data(data);
  }
}
