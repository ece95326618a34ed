package dev.ephemera.examples.audit;

import dev.ephemera.aws.AwsCredentialSources;
import dev.ephemera.aws.AwsSessionCredential;
import dev.ephemera.core.CredentialSource;
import dev.ephemera.core.Environment;
import dev.ephemera.core.audit.JsonLinesAuditListener;
import dev.ephemera.core.audit.Slf4jAuditListener;
import dev.ephemera.core.refresh.Timebase;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An audit trail for credentials: every issuance, renewal, failure and close of an IRSA source
 * goes, as one JSON object per line, to a file a log shipper tails, and to SLF4J logger {@code
 * ephemera.audit} as structured key-values. Events carry credential ids and expiries, never a
 * secret.
 *
 * <p>Reads {@code EPHEMERA_AUDIT_FILE} (appended to, created if missing) and the IRSA variables EKS
 * injects: {@code AWS_ROLE_ARN}, {@code AWS_WEB_IDENTITY_TOKEN_FILE}, {@code AWS_REGION},
 * optionally {@code AWS_ENDPOINT_URL_STS}.
 */
public final class AuditFileExample {
  private AuditFileExample() {}

  /** Runs the example with the process environment and the system clock. */
  public static void main(String[] args) {
    run(Environment.system(), Timebase.system(), System.out);
  }

  /**
   * Gets a credential with both audit listeners attached, then closes the source; returns the audit
   * file. The listeners are closed last, so the source's final events are written.
   */
  static Path run(Environment env, Timebase timebase, PrintStream out) {
    Path file = Path.of(env.require("EPHEMERA_AUDIT_FILE"));
    try (JsonLinesAuditListener jsonLines =
        JsonLinesAuditListener.to(
            Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND))) {
      try (CredentialSource<AwsSessionCredential> aws =
          AwsCredentialSources.irsaFromEnvironment(env)
              .timebase(timebase)
              .auditListener(jsonLines)
              .auditListener(Slf4jAuditListener.create())
              .build()) {
        AwsSessionCredential credential = aws.get();
        out.printf(
            "using %s until %s; audit trail in %s%n",
            credential.accessKeyId(), credential.expiresAt(), file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the audit file " + file, e);
    }
    return file;
  }
}
