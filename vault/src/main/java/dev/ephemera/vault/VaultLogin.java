package dev.ephemera.vault;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How a workload logs in to Vault: the auth method, its mount, the role, and where the credential
 * is read from. Immutable. The credential file is re-read at every login, never cached: the kubelet
 * rotates projected tokens, and an orchestrator may deliver a fresh secret id.
 *
 * <pre>{@code
 * VaultLogin.kubernetes("payments")                                   // auth/kubernetes, SA token
 * VaultLogin.jwt("ci", Path.of("/var/run/secrets/tokens/vault"))       // auth/jwt
 * VaultLogin.appRole(roleId, Path.of("/etc/vault/secret-id"))          // auth/approle
 * VaultLogin.appRoleWrapped(roleId, Path.of("/etc/vault/wrapped-secret-id"))
 * VaultLogin.kubernetes("payments").withMount("k8s-eu1")               // auth/k8s-eu1
 * }</pre>
 */
public final class VaultLogin {
  /** The projected service-account token every pod gets by default. */
  public static final Path KUBERNETES_TOKEN_FILE =
      Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token");

  /** The auth methods. */
  public enum Method {
    /** The Kubernetes auth method: the service-account JWT, checked by Vault with TokenReview. */
    KUBERNETES("kubernetes"),
    /** The JWT/OIDC auth method: any JWT Vault trusts through the role's JWKS or issuer. */
    JWT("jwt"),
    /** AppRole: a role id and a secret id. */
    APPROLE("approle");

    private final String defaultMount;

    Method(String defaultMount) {
      this.defaultMount = defaultMount;
    }

    /** {@return the mount path Vault uses by default for this method} */
    public String defaultMount() {
      return defaultMount;
    }
  }

  private final Method method;
  private final String mount;
  private final @Nullable String role;
  private final @Nullable String roleId;
  private final Path file;
  private final boolean wrapped;
  private final String fileSetting;

  private VaultLogin(
      Method method,
      String mount,
      @Nullable String role,
      @Nullable String roleId,
      Path file,
      boolean wrapped,
      String fileSetting) {
    this.method = method;
    this.mount = mount;
    this.role = role;
    this.roleId = roleId;
    this.file = file;
    this.wrapped = wrapped;
    this.fileSetting = fileSetting;
  }

  /**
   * {@return Kubernetes login as {@code role} with the pod's default service-account token}
   *
   * @param role the role
   */
  public static VaultLogin kubernetes(String role) {
    return kubernetes(role, KUBERNETES_TOKEN_FILE);
  }

  /**
   * {@return Kubernetes login as {@code role} with the service-account JWT in {@code jwtFile}}
   *
   * @param role the role
   * @param jwtFile the file holding the JWT
   */
  public static VaultLogin kubernetes(String role, Path jwtFile) {
    return new VaultLogin(
        Method.KUBERNETES,
        Method.KUBERNETES.defaultMount(),
        text(role, "role"),
        null,
        Objects.requireNonNull(jwtFile, "jwtFile"),
        false,
        "jwtFile");
  }

  /**
   * {@return JWT/OIDC login with the mount's {@code default_role}}
   *
   * @param jwtFile the file holding the JWT
   */
  public static VaultLogin jwt(Path jwtFile) {
    return new VaultLogin(
        Method.JWT,
        Method.JWT.defaultMount(),
        null,
        null,
        Objects.requireNonNull(jwtFile, "jwtFile"),
        false,
        "jwtFile");
  }

  /**
   * {@return JWT/OIDC login as {@code role} with the JWT in {@code jwtFile}}
   *
   * @param role the role
   * @param jwtFile the file holding the JWT
   */
  public static VaultLogin jwt(String role, Path jwtFile) {
    return new VaultLogin(
        Method.JWT,
        Method.JWT.defaultMount(),
        text(role, "role"),
        null,
        Objects.requireNonNull(jwtFile, "jwtFile"),
        false,
        "jwtFile");
  }

  /**
   * {@return AppRole login with {@code roleId} and the secret id in {@code secretIdFile}}
   *
   * @param roleId the role id
   * @param secretIdFile the secret id file
   */
  public static VaultLogin appRole(String roleId, Path secretIdFile) {
    return new VaultLogin(
        Method.APPROLE,
        Method.APPROLE.defaultMount(),
        null,
        text(roleId, "roleId"),
        Objects.requireNonNull(secretIdFile, "secretIdFile"),
        false,
        "secretIdFile");
  }

  /**
   * {@return AppRole login with {@code roleId} and a response-wrapped secret id: {@code
   * wrappingTokenFile} holds a single-use wrapping token} It is unwrapped once; the secret id stays
   * in memory for later logins until the file holds a new wrapping token.
   *
   * @param roleId the role id
   * @param wrappingTokenFile the wrapping token file
   */
  public static VaultLogin appRoleWrapped(String roleId, Path wrappingTokenFile) {
    return new VaultLogin(
        Method.APPROLE,
        Method.APPROLE.defaultMount(),
        null,
        text(roleId, "roleId"),
        Objects.requireNonNull(wrappingTokenFile, "wrappingTokenFile"),
        true,
        "wrappingTokenFile");
  }

  /**
   * {@return the same login on another mount (e.g. {@code k8s-eu1} for {@code auth/k8s-eu1})}
   *
   * @param newMount the new mount
   */
  public VaultLogin withMount(String newMount) {
    String m = text(newMount, "mount");
    while (m.startsWith("/")) {
      m = m.substring(1);
    }
    while (m.endsWith("/")) {
      m = m.substring(0, m.length() - 1);
    }
    if (m.startsWith("auth/")) {
      m = m.substring(5);
    }
    if (m.isEmpty() || !m.matches("[A-Za-z0-9._/-]+") || m.contains("..")) {
      throw new IllegalArgumentException("mount is not a Vault path: " + newMount);
    }
    return new VaultLogin(method, m, role, roleId, file, wrapped, fileSetting);
  }

  /** The same login, naming {@code setting} (e.g. an environment variable) in file errors. */
  VaultLogin withFileSetting(String setting) {
    return new VaultLogin(method, mount, role, roleId, file, wrapped, text(setting, "setting"));
  }

  /** {@return the auth method} */
  public Method method() {
    return method;
  }

  /** {@return the mount, without {@code auth/}} */
  public String mount() {
    return mount;
  }

  /** {@return the role (Kubernetes, JWT); empty for JWT's default role and for AppRole} */
  public Optional<String> role() {
    return Optional.ofNullable(role);
  }

  /** {@return the AppRole role id; empty for the other methods} */
  public Optional<String> roleId() {
    return Optional.ofNullable(roleId);
  }

  /** {@return the file read at every login: the JWT, the secret id, or the wrapping token} */
  public Path file() {
    return file;
  }

  /** {@return true when {@link #file()} holds a response-wrapped secret id} */
  public boolean wrapped() {
    return wrapped;
  }

  /** {@return the setting name that error messages use for {@link #file()}} */
  public String fileSetting() {
    return fileSetting;
  }

  @Override
  public String toString() {
    return "VaultLogin["
        + method.name().toLowerCase(java.util.Locale.ROOT)
        + " at auth/"
        + mount
        + (role != null ? ", role=" + role : "")
        + (wrapped ? ", wrapped secret id" : "")
        + ", file="
        + file
        + "]";
  }

  private static String text(String value, String what) {
    Objects.requireNonNull(value, what);
    if (value.isBlank()) {
      throw new IllegalArgumentException(what + " must not be blank");
    }
    return value.strip();
  }
}
