package dev.ephemera.examples.vault;

import dev.ephemera.core.Secret;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Stands in for your connection pool: what HikariCP does with {@code setUsername}, {@code
 * setPassword} and {@code softEvictConnections()}. New connections open with the current login;
 * connections opened with an older one are retired when they are returned. It keeps every login it
 * was given, so a test can see what reached it.
 */
final class Pool {
  /** A database login; its password's {@code toString()} is redacted. */
  record Login(String username, Secret password, Instant issuedAt) {}

  /** A connection, opened with one login. */
  record Connection(String username, int generation) {}

  private final List<Login> logins = new ArrayList<>();
  private @Nullable Login current;

  /**
   * Uses {@code login} for new connections from now on. The current login again, or one issued
   * before it (a rotation that raced with start-up), is ignored.
   */
  synchronized void rotate(Login login) {
    Objects.requireNonNull(login, "login");
    if (current != null
        && (login.username().equals(current.username())
            || login.issuedAt().isBefore(current.issuedAt()))) {
      return;
    }
    current = login;
    logins.add(login);
  }

  /** Opens a connection with the current login. */
  synchronized Connection borrow() {
    Login login = current;
    if (login == null) {
      throw new IllegalStateException("the pool has no database login yet");
    }
    return new Connection(login.username(), logins.size());
  }

  /** Whether {@code connection} was opened with an older login and should be closed. */
  synchronized boolean isStale(Connection connection) {
    return connection.generation() != logins.size();
  }

  /** Every login the pool was given, oldest first. */
  synchronized List<Login> logins() {
    return List.copyOf(logins);
  }
}
