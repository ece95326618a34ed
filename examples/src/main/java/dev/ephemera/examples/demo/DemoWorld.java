package dev.ephemera.examples.demo;

import dev.ephemera.core.audit.AuditListener;
import dev.ephemera.testkit.oidc.OidcIssuer;
import dev.ephemera.testkit.oidc.ServiceAccount;
import dev.ephemera.testkit.oidc.TokenFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What every scenario shares: scaled time, the OIDC issuer playing the Kubernetes API server, a
 * fake kubelet that projects and rotates service-account token files, and the audit listeners.
 */
final class DemoWorld implements AutoCloseable {
  private final DemoTime time;
  private final Lifetimes lifetimes;
  private final OidcIssuer oidc;
  private final List<AuditListener> audit;
  private final Path tokenDir;
  private final List<TokenFile> tokenFiles = new ArrayList<>();

  DemoWorld(DemoTime time, Lifetimes lifetimes, List<AuditListener> audit) {
    this.time = time;
    this.lifetimes = lifetimes;
    this.audit = List.copyOf(audit);
    this.oidc = OidcIssuer.start(time.clock());
    try {
      // The kubelet's projected volume: tokens for the demo's pods, removed at exit.
      this.tokenDir = Files.createTempDirectory("ephemera-demo-projected");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // Like the kubelet: rotate every projected token at 80% of its one-hour life.
    schedule(Duration.ofMinutes(48));
  }

  private void schedule(Duration every) {
    time.scheduler()
        .schedule(
            () -> {
              synchronized (tokenFiles) {
                tokenFiles.forEach(TokenFile::rotate);
              }
              schedule(every);
            },
            every);
  }

  DemoTime time() {
    return time;
  }

  /** The credential lifetimes of this run. */
  Lifetimes lifetimes() {
    return lifetimes;
  }

  OidcIssuer oidc() {
    return oidc;
  }

  List<AuditListener> audit() {
    return audit;
  }

  /** Projects a one-hour token for {@code account} with {@code audience}, kept fresh. */
  TokenFile project(String fileName, ServiceAccount account, String audience) {
    TokenFile file =
        oidc.project(tokenDir.resolve(fileName), account, audience, Duration.ofHours(1));
    synchronized (tokenFiles) {
      tokenFiles.add(file);
    }
    return file;
  }

  @Override
  public void close() {
    oidc.close();
    try (var files = Files.list(tokenDir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Files.deleteIfExists(p);
      }
      Files.deleteIfExists(tokenDir);
    } catch (IOException e) {
      // best effort
    }
  }
}
