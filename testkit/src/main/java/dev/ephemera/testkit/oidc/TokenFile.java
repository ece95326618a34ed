package dev.ephemera.testkit.oidc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

/**
 * A projected token file kept by a fake kubelet: {@link #rotate()} writes a fresh token by atomic
 * rename, so readers never see a half-written file.
 */
public final class TokenFile {
  private final OidcIssuer issuer;
  private final Path path;
  private final ServiceAccount account;
  private final String audience;
  private final Duration ttl;
  private volatile String current = "";

  TokenFile(OidcIssuer issuer, Path path, ServiceAccount account, String audience, Duration ttl) {
    this.issuer = issuer;
    this.path = path;
    this.account = account;
    this.audience = audience;
    this.ttl = ttl;
  }

  /** {@return the file's path} */
  public Path path() {
    return path;
  }

  /** {@return the service account the tokens assert} */
  public ServiceAccount account() {
    return account;
  }

  /** {@return the token currently in the file} */
  public String currentToken() {
    return current;
  }

  /**
   * Mints a fresh token (on the issuer's clock) and swaps it in atomically.
   *
   * @return this {@code TokenFile}
   */
  public TokenFile rotate() {
    write(issuer.mint(account, audience, ttl));
    return this;
  }

  /**
   * Writes arbitrary content (for tests of garbage or empty files), atomically.
   *
   * @param content the content
   * @return this {@code TokenFile}
   */
  public TokenFile write(String content) {
    try {
      Path tmp = path.resolveSibling(".." + path.getFileName() + ".tmp");
      Files.writeString(tmp, content, StandardCharsets.UTF_8);
      Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      current = content;
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException("could not write token file " + path, e);
    }
  }

  /** Deletes the file (a broken projection). */
  public void delete() {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
