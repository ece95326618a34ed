package dev.ephemera.vault.internal;

import dev.ephemera.core.Secret;
import dev.ephemera.core.spi.IssuerInfo;
import dev.ephemera.core.spi.ProjectedToken;
import io.github.jopenlibs.vault.api.Auth;
import io.github.jopenlibs.vault.api.Logical;
import io.github.jopenlibs.vault.json.JsonObject;
import io.github.jopenlibs.vault.json.JsonValue;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * AppRole login: role id plus a secret id read from a file at every login, or a response-wrapped
 * secret id: the file holds a single-use wrapping token, unwrapped through {@code
 * sys/wrapping/unwrap} the first time it is seen; the secret id then stays in memory (never on
 * disk) for later logins until the file holds a new wrapping token.
 *
 * <p>No lock is held across the unwrap: the first login to see a wrapping token unwraps it, and a
 * login that sees the same token meanwhile waits for that unwrap's outcome (a wrapping token can be
 * used once). A failed unwrap is forgotten, so the next login tries again.
 */
final class AppRoleAuthenticator implements Authenticator {
  private static final String UNWRAP = "sys/wrapping/unwrap";

  private final VaultTransport transport;
  private final String mount;
  private final String roleId;
  private final Path file;
  private final String fileSetting;
  private final boolean wrapped;
  private final IssuerInfo info;

  /** Guards {@link #unwrap}; held only to read or swap it, never across I/O. */
  private final ReentrantLock lock = new ReentrantLock();

  /** The wrapping token last seen and its unwrap (in flight or done); guarded by lock. */
  private @Nullable Unwrap unwrap;

  /** One wrapping token and the secret id it gives. */
  private record Unwrap(Secret wrappingToken, CompletableFuture<Secret> secretId) {}

  /**
   * An AppRole login.
   *
   * @param mount the mount, without {@code auth/}
   * @param roleId the role id
   * @param file the secret-id file, or the wrapping-token file when {@code wrapped}
   * @param fileSetting the setting that named the file, for error messages
   * @param wrapped whether the file holds a response-wrapped secret id
   */
  AppRoleAuthenticator(
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

  private Secret secretIdFrom(Secret wrappingToken) {
    Unwrap mine;
    boolean owner;
    lock.lock();
    try {
      Unwrap seen = unwrap;
      owner = seen == null || !seen.wrappingToken().equals(wrappingToken);
      if (seen == null || owner) {
        mine = new Unwrap(wrappingToken, new CompletableFuture<>());
        unwrap = mine;
      } else {
        mine = seen;
      }
    } finally {
      lock.unlock();
    }
    if (owner) {
      try {
        mine.secretId().complete(unwrapOnce(wrappingToken));
      } catch (RuntimeException | Error e) {
        forget(mine); // the next login tries again; no waiter is left waiting
        mine.secretId().completeExceptionally(e);
        throw e;
      }
    }
    try {
      return mine.secretId().join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }

  private void forget(Unwrap failed) {
    lock.lock();
    try {
      if (unwrap == failed) {
        unwrap = null;
      }
    } finally {
      lock.unlock();
    }
  }

  private Secret unwrapOnce(Secret wrappingToken) {
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
    return Secret.of(id);
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
