package dev.ephemera.vault.internal;

import dev.ephemera.core.spi.IssuerInfo;
import dev.ephemera.core.spi.ProjectedToken;
import io.github.jopenlibs.vault.api.Auth;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * Kubernetes and JWT/OIDC login: reads the JWT file at every login (the kubelet rotates it), checks
 * it is a live JWT, and posts {@code {"role","jwt"}} to {@code auth/<mount>/login}. The token's
 * {@code sub} becomes the audit principal.
 */
final class JwtAuthenticator implements Authenticator {
  private final VaultTransport transport;
  private final boolean kubernetes;
  private final String mount;
  private final @Nullable String role;
  private final Path file;
  private final String fileSetting;
  private final String target;
  private volatile IssuerInfo info;

  /**
   * A JWT login.
   *
   * @param kubernetes true for the Kubernetes method, false for JWT/OIDC
   * @param mount the mount, without {@code auth/}
   * @param role the role; {@code null} for JWT's default role
   * @param file the JWT file
   * @param fileSetting the setting that named the file, for error messages
   */
  JwtAuthenticator(
      VaultTransport transport,
      boolean kubernetes,
      String mount,
      @Nullable String role,
      Path file,
      String fileSetting) {
    this.transport = transport;
    this.kubernetes = kubernetes;
    this.mount = mount;
    this.role = role;
    this.file = file;
    this.fileSetting = fileSetting;
    String ns = transport.namespace() == null ? "" : transport.namespace();
    this.target = ns + "auth/" + mount + (role == null ? "" : "/role/" + role);
    this.info = IssuerInfo.of(kubernetes ? "vault-kubernetes" : "vault-jwt", "", target);
  }

  @Override
  public VaultJson.Auth login() {
    // the JWT's expiry is Vault's to judge, on its clock: only its form is checked here
    ProjectedToken jwt = ProjectedToken.read(file, fileSetting);
    info = info.withPrincipal(jwt.subject());
    String where = authPath() + "/login";
    String path = authPath();
    Reply reply =
        transport.exchange(
            Operation.LOGIN,
            where,
            () -> {
              Auth auth = new Auth(transport.config(null, 1, 1));
              return kubernetes
                  ? auth.loginByKubernetes(role, jwt.token().reveal(), path)
                  : auth.loginByJwt("jwt", role, jwt.token().reveal(), path);
            },
            jwt.token());
    if (!reply.ok()) {
      throw VaultErrors.failure(Operation.LOGIN, where, reply, jwt.token());
    }
    return VaultJson.auth(VaultJson.root(reply, Operation.LOGIN, where), Operation.LOGIN, where);
  }

  @Override
  public String authPath() {
    return "auth/" + mount;
  }

  @Override
  public IssuerInfo describe() {
    return info;
  }

  @Override
  public String toString() {
    return "JwtAuthenticator[" + target + "]";
  }
}
