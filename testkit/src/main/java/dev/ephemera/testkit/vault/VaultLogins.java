package dev.ephemera.testkit.vault;

import static dev.ephemera.testkit.vault.VaultJson.errors;
import static dev.ephemera.testkit.vault.VaultJson.permissionDenied;
import static dev.ephemera.testkit.vault.VaultJson.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ephemera.testkit.Canary;
import dev.ephemera.testkit.emulator.EmulatedResponse;
import dev.ephemera.testkit.oidc.OidcIssuer;
import dev.ephemera.testkit.oidc.TokenRejectedException;
import dev.ephemera.testkit.oidc.VerifiedToken;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The auth mounts and their logins, {@code auth/<mount>/login} for the Kubernetes, JWT and AppRole
 * methods (PROTOCOLS.md §4.2, and §7 for the JWT method's errors); a login that passes gets its
 * token from {@link VaultTokens}. Not thread-safe: {@link VaultProtocol} serialises every call.
 */
final class VaultLogins {
  private final @Nullable OidcIssuer oidc;
  private final VaultTokens tokens;
  private final Map<String, Mount> mounts = new LinkedHashMap<>();

  private static final class Mount {
    final AuthMethod method;
    final String path;
    final Map<String, VaultRole> roles = new LinkedHashMap<>();
    final Map<String, AppRoleEntry> byRoleId = new LinkedHashMap<>();

    Mount(AuthMethod method, String path) {
      this.method = method;
      this.path = path;
    }
  }

  private static final class AppRoleEntry {
    final VaultRole role;
    final String roleId;
    final List<String> secretIds = new ArrayList<>();

    AppRoleEntry(VaultRole role, String roleId) {
      this.role = role;
      this.roleId = roleId;
    }
  }

  VaultLogins(@Nullable OidcIssuer oidc, VaultTokens tokens) {
    this.oidc = oidc;
    this.tokens = tokens;
  }

  // ------------------------------------------------------------------ configuration

  void addRole(AuthMethod method, String mountPath, VaultRole role) {
    if (method != AuthMethod.APPROLE && oidc == null) {
      throw new IllegalStateException("Kubernetes and JWT roles need VaultEmulator.Builder.oidc");
    }
    mount(method, mountPath).roles.put(role.name(), role);
  }

  AppRoleCredentials addAppRole(String mountPath, VaultRole role) {
    Mount m = mount(AuthMethod.APPROLE, mountPath);
    m.roles.put(role.name(), role);
    AppRoleEntry entry = new AppRoleEntry(role, UUID.randomUUID().toString());
    m.byRoleId.put(entry.roleId, entry);
    String secretId = Canary.uuid();
    entry.secretIds.add(secretId);
    return new AppRoleCredentials(entry.roleId, secretId);
  }

  String newSecretId(String roleName) {
    AppRoleEntry entry = appRoleEntry(roleName);
    String secretId = Canary.uuid();
    entry.secretIds.add(secretId);
    return secretId;
  }

  /** A new secret id as the {@code data} Vault response-wraps it in. */
  ObjectNode newSecretIdData(String roleName) {
    String secretId = newSecretId(roleName);
    ObjectNode data = VaultJson.NODES.objectNode();
    data.put("secret_id", secretId);
    data.put("secret_id_accessor", UUID.randomUUID().toString());
    data.put("secret_id_ttl", 0);
    data.put("secret_id_num_uses", 0);
    return data;
  }

  private Mount mount(AuthMethod method, String mountPath) {
    String p = VaultPaths.trimSlashes(VaultRole.requireText(mountPath, "mount"));
    Mount m = mounts.computeIfAbsent(p, k -> new Mount(method, k));
    if (m.method != method) {
      throw new IllegalArgumentException("auth/" + p + " is a " + m.method + " mount");
    }
    return m;
  }

  private AppRoleEntry appRoleEntry(String roleName) {
    for (Mount m : mounts.values()) {
      for (AppRoleEntry e : m.byRoleId.values()) {
        if (e.role.name().equals(roleName)) {
          return e;
        }
      }
    }
    throw new IllegalArgumentException("no AppRole role " + roleName);
  }

  // ------------------------------------------------------------------ the wire

  /** {@code auth/<mount>/login} ({@code path} without {@code /v1/}), by the mount's method. */
  EmulatedResponse login(String path, String method, JsonNode body) {
    Mount m = mounts.get(path.substring(5, path.length() - 6));
    if (m == null) {
      return VaultJson.noHandler(path);
    }
    if (!method.equals("POST")) {
      return errors(405, List.of("unsupported operation"));
    }
    return switch (m.method) {
      case KUBERNETES -> kubernetesLogin(m, body);
      case JWT -> jwtLogin(m, body);
      case APPROLE -> appRoleLogin(m, body);
    };
  }

  private EmulatedResponse kubernetesLogin(Mount m, JsonNode body) {
    String roleName = text(body, "role");
    String jwt = text(body, "jwt");
    if (roleName.isEmpty()) {
      return errors(400, List.of("missing role"));
    }
    if (jwt.isEmpty()) {
      return errors(400, List.of("missing jwt"));
    }
    VaultRole role = m.roles.get(roleName);
    if (role == null) {
      return errors(400, List.of("invalid role name \"" + roleName + "\""));
    }
    VerifiedToken verified;
    try {
      verified = verifier().verify(jwt, role.audience());
    } catch (TokenRejectedException e) {
      return permissionDenied();
    }
    String[] sub = verified.subject().split(":", -1);
    if (sub.length != 4 || !sub[0].equals("system") || !sub[1].equals("serviceaccount")) {
      return errors(403, List.of("permission denied"));
    }
    String saNamespace = sub[2];
    String saName = sub[3];
    if (!role.serviceAccountNames().contains("*") && !role.serviceAccountNames().contains(saName)) {
      return errors(403, List.of("service account name not authorized"));
    }
    if (!role.namespaces().contains("*") && !role.namespaces().contains(saNamespace)) {
      return errors(403, List.of("namespace not authorized"));
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("role", roleName);
    metadata.put("service_account_name", saName);
    metadata.put("service_account_namespace", saNamespace);
    metadata.put("service_account_secret_name", "");
    metadata.put(
        "service_account_uid",
        UUID.nameUUIDFromBytes(verified.subject().getBytes(StandardCharsets.UTF_8)).toString());
    return tokens.login("auth/" + m.path + "/login", role, metadata);
  }

  private EmulatedResponse jwtLogin(Mount m, JsonNode body) {
    String roleName = text(body, "role");
    String jwt = text(body, "jwt");
    if (jwt.isEmpty()) {
      return errors(400, List.of("missing jwt"));
    }
    if (roleName.isEmpty()) {
      if (m.roles.isEmpty()) {
        return errors(400, List.of("missing role"));
      }
      roleName = m.roles.keySet().iterator().next();
    }
    VaultRole role = m.roles.get(roleName);
    if (role == null) {
      return errors(400, List.of("role \"" + roleName + "\" could not be found"));
    }
    VerifiedToken verified;
    try {
      verified = verifier().verify(jwt, role.audience());
    } catch (TokenRejectedException e) {
      return errors(400, List.of("error validating token: " + e.getMessage()));
    }
    if (role.boundSubject().isPresent() && !role.boundSubject().get().equals(verified.subject())) {
      return errors(
          400, List.of("error validating claims: sub claim does not match expected value"));
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("role", roleName);
    return tokens.login("auth/" + m.path + "/login", role, metadata);
  }

  private EmulatedResponse appRoleLogin(Mount m, JsonNode body) {
    String roleId = text(body, "role_id");
    String secretId = text(body, "secret_id");
    if (roleId.isEmpty()) {
      return errors(400, List.of("missing role_id"));
    }
    AppRoleEntry entry = m.byRoleId.get(roleId);
    if (entry == null || !entry.secretIds.contains(secretId)) {
      return errors(400, List.of("invalid role or secret ID"));
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("role_name", entry.role.name());
    return tokens.login("auth/" + m.path + "/login", entry.role, metadata);
  }

  private OidcIssuer verifier() {
    OidcIssuer o = oidc;
    if (o == null) {
      throw new IllegalStateException("no OIDC issuer configured");
    }
    return o;
  }
}
