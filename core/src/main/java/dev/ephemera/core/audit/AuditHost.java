package dev.ephemera.core.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where an audit event happened.
 *
 * @param hostname the host name ({@code HOSTNAME}, or {@code /etc/hostname})
 * @param pod the Kubernetes pod name ({@code POD_NAME}, else the host name inside a pod), or empty
 * @param namespace the Kubernetes namespace ({@code POD_NAMESPACE}, or the service account's
 *     namespace file), or empty
 * @param pid the process id
 */
public record AuditHost(String hostname, String pod, String namespace, long pid) {
  private static final Path NAMESPACE_FILE =
      Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");

  /**
   * Validates that no field is null.
   *
   * @param hostname the host name ({@code HOSTNAME}, or {@code /etc/hostname})
   * @param namespace the Kubernetes namespace ({@code POD_NAMESPACE}, or the service account's
   *     namespace file), or empty
   * @param pid the process id
   * @param pod the Kubernetes pod name ({@code POD_NAME}, else the host name inside a pod), or
   *     empty
   */
  public AuditHost {
    Objects.requireNonNull(hostname, "hostname");
    Objects.requireNonNull(pod, "pod");
    Objects.requireNonNull(namespace, "namespace");
  }

  /** {@return this process, read once from the environment and local files (no network lookup)} */
  public static AuditHost local() {
    return Local.INSTANCE;
  }

  private static final class Local {
    static final AuditHost INSTANCE = detect();

    private static AuditHost detect() {
      String hostname = env("HOSTNAME");
      if (hostname.isEmpty()) {
        hostname = read(Path.of("/etc/hostname"));
      }
      String namespace = env("POD_NAMESPACE");
      if (namespace.isEmpty()) {
        namespace = read(NAMESPACE_FILE);
      }
      String pod = env("POD_NAME");
      if (pod.isEmpty() && !namespace.isEmpty()) {
        pod = hostname;
      }
      return new AuditHost(hostname, pod, namespace, ProcessHandle.current().pid());
    }

    private static String env(String name) {
      String v = System.getenv(name);
      return v == null ? "" : v.strip();
    }

    private static String read(Path file) {
      try {
        return Files.isReadable(file) ? Files.readString(file, StandardCharsets.UTF_8).strip() : "";
      } catch (IOException | RuntimeException e) {
        return "";
      }
    }
  }
}
