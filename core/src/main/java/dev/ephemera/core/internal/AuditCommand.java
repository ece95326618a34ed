package dev.ephemera.core.internal;

import dev.ephemera.core.audit.chain.ChainKeys;
import dev.ephemera.core.audit.chain.ChainProblem;
import dev.ephemera.core.audit.chain.ChainReport;
import dev.ephemera.core.audit.chain.ChainVerifier;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code audit} command (run from the repository root as {@code ./audit}, or from the core jar
 * with {@code java -cp ... dev.ephemera.core.internal.AuditCommand}):
 *
 * <pre>
 * audit verify FILE|DIR... [--public-key PEM]... [--hmac-key FILE] [--checkpoints FILE] [--open]
 * </pre>
 *
 * Exit status 0 when the trail is intact, 1 when it is not (the first problem, then the rest), 2 on
 * a usage error.
 */
public final class AuditCommand {
  private static final int MAX_SHOWN = 20;

  private AuditCommand() {}

  /**
   * Runs the command and exits with its status.
   *
   * @param args the arguments
   */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /**
   * {@return the exit status of running {@code args}}
   *
   * @param args the arguments
   * @param out where the summary goes
   * @param err where problems and usage go
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0 || !args[0].equals("verify")) {
      err.println(usage());
      return 2;
    }
    List<Path> files = new ArrayList<>();
    ChainVerifier.Builder verifier = ChainVerifier.builder();
    try {
      for (int i = 1; i < args.length; i++) {
        switch (args[i]) {
          case "--public-key" ->
              verifier.publicKey(
                  ChainKeys.publicKeyFromPem(read(value(args, ++i, "--public-key"))));
          case "--hmac-key" ->
              verifier.hmacKey(ChainKeys.hmacKeyFromText(read(value(args, ++i, "--hmac-key"))));
          case "--checkpoints" ->
              verifier.checkpointCopy(Path.of(value(args, ++i, "--checkpoints")));
          case "--open" -> verifier.allowOpenTail(true);
          case "--help", "-h" -> {
            out.println(usage());
            return 0;
          }
          default -> {
            if (args[i].startsWith("--")) {
              throw new IllegalArgumentException("unknown option " + args[i]);
            }
            files.add(Path.of(args[i]));
          }
        }
      }
      if (files.isEmpty()) {
        throw new IllegalArgumentException("name at least one chain file or directory");
      }
      ChainReport report = verifier.build().verify(files);
      if (report.intact()) {
        out.println(report.summary());
        return 0;
      }
      List<ChainProblem> problems = report.problems();
      err.println("first problem: " + problems.get(0));
      for (int i = 1; i < Math.min(problems.size(), MAX_SHOWN); i++) {
        err.println("  then: " + problems.get(i));
      }
      if (problems.size() > MAX_SHOWN) {
        err.println("  and " + (problems.size() - MAX_SHOWN) + " more");
      }
      err.println(report.summary());
      return 1;
    } catch (IllegalArgumentException e) {
      err.println("audit: " + e.getMessage());
      err.println(usage());
      return 2;
    } catch (NoSuchFileException e) {
      err.println("audit: no such file: " + e.getFile());
      return 2;
    } catch (IOException e) {
      err.println("audit: cannot read: " + e.getMessage());
      return 2;
    }
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[i];
  }

  private static String read(String file) throws IOException {
    Path p = Path.of(file);
    if (Files.size(p) > 64 * 1024) {
      throw new IllegalArgumentException(file + " is too large for a key file");
    }
    return Files.readString(p, StandardCharsets.UTF_8);
  }

  private static String usage() {
    return "usage: audit verify FILE|DIR... [--public-key PEM]... [--hmac-key FILE]"
        + " [--checkpoints FILE] [--open]";
  }
}
