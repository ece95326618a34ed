package dev.ephemera.vault.internal;

import dev.ephemera.core.Secret;
import dev.ephemera.core.spi.IssuerInfo;
import dev.ephemera.core.spi.ProjectedToken;
import io.github.jopenlibs.vault.api.Auth;
import io.github.jopenlibs.vault.api.Logical;
import io.github.jopenlibs.vault.json.JsonObject;
import io.github.jopenlibs.vault.json.JsonValue;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * AppRole login: role id plus a secret id read from a file at every login, or a response-wrapped
 * secret id: the file holds a single-use wrapping token, unwrapped through {@code
 * sys/wrapping/unwrap} the first time it is seen; the secret id then stays in memory (never on
 * disk) for later logins until the file holds a new wrapping token.
 */
public final class AppRoleAuthenticator implements Authenticator {
  private static final String UNWRAP = "sys/wrapping/unwrap";

  private final VaultTransport transport;
  private final String mount;
  private final String roleId;
  private final Path file;
  private final String fileSetting;
  private final boolean wrapped;
  private final IssuerInfo info;

  /** The wrapping token last unwrapped and the secret id it gave; guarded by this. */
  private @Nullable Secret unwrappedFrom;

  private @Nullable Secret unwrappedSecretId;

  /**
   * An AppRole login.
   *
   * @param mount the mount, without {@code auth/}
   * @param roleId the role id
   * @param file the secret-id file, or the wrapping-token file when {@code wrapped}
   * @param fileSetting the setting that named the file, for error messages
   * @param wrapped whether the file holds a response-wrapped secret id
   */
  public AppRoleAuthenticator(
      VaultTransport transport,
      String mount,
      String roleId,
      Path file,
      String fileSetting,
      boolean wrapped) {
    this.transport = transport;
    this.mount = mount;
    this.roleId = roleId;
    this.file = file;
    this.fileSetting = fileSetting;
    this.wrapped = wrapped;
    String ns = transport.namespace() == null ? "" : transport.namespace();
    this.info =
        IssuerInfo.of(
            "vault-approle", "role_id sha256:" + Secret.fingerprintOf(roleId), ns + authPath());
  }

  @Override
  public VaultJson.Auth login() {
    Secret fromFile = ProjectedToken.readSecret(file, fileSetting);
    Secret secretId = wrapped ? secretIdFrom(fromFile) : fromFile;
    String where = authPath() + "/login";
    Reply reply =
        transport.exchange(
            Operation.LOGIN,
            where,
            () ->
                new Auth(transport.config(null, 1, 1))
                    .loginByAppRole(mount, roleId, secretId.reveal()),
            secretId);
    if (!reply.ok()) {
      throw VaultErrors.failure(Operation.LOGIN, where, reply, secretId, fromFile);
    }
    return VaultJson.auth(VaultJson.root(reply, Operation.LOGIN, where), Operation.LOGIN, where);
  }

  private synchronized Secret secretIdFrom(Secret wrappingToken) {
    Secret known = unwrappedSecretId;
    Secret from = unwrappedFrom;
    if (known != null && from != null && from.equals(wrappingToken)) {
      return known;
    }
    Reply reply =
        transport.exchange(
            Operation.UNWRAP,
            UNWRAP,
            () -> new Logical(transport.config(wrappingToken, 1, 1)).write(UNWRAP, null),
            wrappingToken);
    if (!reply.ok()) {
      throw VaultErrors.failure(Operation.UNWRAP, UNWRAP, reply, wrappingToken);
    }
    JsonObject root = VaultJson.root(reply, Operation.UNWRAP, UNWRAP);
    JsonValue data = root.get("data");
    String id =
        data != null && data.isObject() ? VaultJson.string(data.asObject(), "secret_id") : "";
    if (id.isEmpty()) {
      throw VaultErrors.malformed(Operation.UNWRAP, UNWRAP, "no data.secret_id");
    }
    Secret secretId = Secret.of(id);
    unwrappedFrom = wrappingToken;
    unwrappedSecretId = secretId;
    return secretId;
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
    return "AppRoleAuthenticator[" + info.target() + (wrapped ? ", wrapped" : "") + "]";
  }
}
