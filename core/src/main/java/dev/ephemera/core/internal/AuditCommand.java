package dev.ephemera.core.internal;

import dev.ephemera.core.audit.chain.ChainKeys;
import dev.ephemera.core.audit.chain.ChainProblem;
import dev.ephemera.core.audit.chain.ChainReport;
import dev.ephemera.core.audit.chain.ChainVerifier;
import dev.ephemera.core.audit.timeline.AuditTimeline;
import dev.ephemera.core.audit.timeline.TimelineQuery;
import dev.ephemera.core.audit.timeline.TimelineResult;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The {@code audit} command (run from the repository root as {@code ./audit}, or from the core jar
 * with {@code java -cp ... dev.ephemera.core.internal.AuditCommand}):
 *
 * <pre>
 * audit verify FILE|DIR... [--public-key PEM]... [--hmac-key FILE] [--checkpoints FILE] [--open]
 * audit timeline FILE|DIR... [--credential ID] [--principal P] [--target T] [--source S]
 *                [--at TIME | --from TIME --to TIME] [--json]
 * </pre>
 *
 * {@code verify} checks a chain ({@link ChainVerifier}): exit status 0 when the trail is intact, 1
 * when it is not (the first problem, then the rest). {@code timeline} prints the life of each
 * credential in audit files, plain or chained ({@link AuditTimeline}), narrowed by exact-match
 * filters and a window ({@code --from} inclusive, {@code --to} exclusive) or a moment ({@code
 * --at}: what was live then), as a table or with {@code --json} as one JSON document; exit status
 * 0. Times are ISO-8601 instants, e.g. {@code 2026-01-01T03:12:00Z}. Both exit with 2 on a usage
 * error or a file that cannot be read.
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
    if (args.length > 0 && args[0].equals("verify")) {
      return verify(args, out, err);
    }
    if (args.length > 0 && args[0].equals("timeline")) {
      return timeline(args, out, err);
    }
    if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
      out.println(usage());
      return 0;
    }
    if (args.length > 0) {
      err.println("audit: unknown command " + args[0]);
    }
    err.println(usage());
    return 2;
  }

  private static int verify(String[] args, PrintStream out, PrintStream err) {
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

  private static int timeline(String[] args, PrintStream out, PrintStream err) {
    List<Path> files = new ArrayList<>();
    TimelineQuery.Builder query = TimelineQuery.builder();
    Instant at = null;
    Instant from = null;
    Instant to = null;
    boolean json = false;
    try {
      for (int i = 1; i < args.length; i++) {
        switch (args[i]) {
          case "--credential" -> query.credentialId(value(args, ++i, "--credential"));
          case "--principal" -> query.principal(value(args, ++i, "--principal"));
          case "--target" -> query.target(value(args, ++i, "--target"));
          case "--source" -> query.source(value(args, ++i, "--source"));
          case "--at" -> at = instant(value(args, ++i, "--at"), "--at");
          case "--from" -> from = instant(value(args, ++i, "--from"), "--from");
          case "--to" -> to = instant(value(args, ++i, "--to"), "--to");
          case "--json" -> json = true;
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
      if (at != null && (from != null || to != null)) {
        throw new IllegalArgumentException("--at cannot be combined with --from or --to");
      }
      if (from != null && to != null && from.isAfter(to)) {
        throw new IllegalArgumentException("--from " + from + " is after --to " + to);
      }
      if (files.isEmpty()) {
        throw new IllegalArgumentException("name at least one audit file or directory");
      }
      setTimes(query, at, from, to);
      TimelineResult result = AuditTimeline.read(files).query(query.build());
      if (json) {
        out.println(result.toJson());
      } else {
        out.print(result.toTable());
      }
      return 0;
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

  private static void setTimes(
      TimelineQuery.Builder query,
      @Nullable Instant at,
      @Nullable Instant from,
      @Nullable Instant to) {
    if (at != null) {
      query.at(at);
    }
    if (from != null) {
      query.from(from);
    }
    if (to != null) {
      query.to(to);
    }
  }

  private static Instant instant(String value, String option) {
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "bad time for "
              + option
              + ": "
              + value
              + " (an ISO-8601 instant, e.g. 2026-01-01T03:12:00Z)",
          e);
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
        + " [--checkpoints FILE] [--open]\n"
        + "       audit timeline FILE|DIR... [--credential ID] [--principal P] [--target T]"
        + " [--source S] [--at TIME | --from TIME --to TIME] [--json]\n"
        + "       (TIME: an ISO-8601 instant, e.g. 2026-01-01T03:12:00Z; filters match exactly)";
  }
}
