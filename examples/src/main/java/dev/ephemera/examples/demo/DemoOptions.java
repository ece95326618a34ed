package dev.ephemera.examples.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The demo's command line.
 *
 * @param duration how much credential life to show (scaled time)
 * @param speed how many times faster than real time
 * @param backends which backends to run
 * @param auditFile where to write the full audit trail (a signed hash chain), or null
 * @param timeline where to draw the run as an SVG picture, or null
 * @param table whether to draw the live status table (off when not on a terminal)
 * @param help whether {@code --help} was asked for
 */
public record DemoOptions(
    Duration duration,
    double speed,
    Set<String> backends,
    @Nullable Path auditFile,
    @Nullable Path timeline,
    boolean table,
    boolean help) {

  /** Every backend the demo knows. */
  public static final List<String> ALL = List.of("aws", "gcp", "azure", "vault");

  /** The usage text. */
  public static final String USAGE =
      """
      Usage: ./demo [options]

      Runs every Ephemera backend against embedded emulators on loopback (no cloud account),
      on scaled time: hours of credential life in about a minute.

      Options:
        --duration D     credential time to show, 90m to 7d, e.g. 6h, 90m, PT4H (default 6h);
                         below 6h the credential lifetimes shrink with it (a sixth of the run)
        --speed N        how many times faster than real time (default 360: 6h in 60 s), at most
                         so fast that a credential lives 2 s of real time (1800 from 6h up,
                         450 at 90m)
        --backend B      aws | gcp | azure | vault | all, or a comma list (default all)
        --audit-file F   write the full audit trail to F: JSON lines, hash-chained and signed
                         (the public key in F.pub; ./audit verify checks it)
        --timeline F     draw the run as an SVG picture in F: one row per source, every
                         credential, refresh, failure, revocation and the outage (ids and times only)
        --no-table       no live status table (also off when stdout is not a terminal)
        --help           this text

      Exit status: 0 when the story ran and no caller ever got an error, 1 otherwise, 2 on bad options.
      """;

  /**
   * Parses the command line.
   *
   * @throws IllegalArgumentException naming the bad option
   */
  public static DemoOptions parse(String[] args, boolean onTerminal) {
    Duration duration = Duration.ofHours(6);
    double speed = 360;
    Set<String> backends = new LinkedHashSet<>(ALL);
    Path auditFile = null;
    Path timeline = null;
    boolean table = onTerminal;
    boolean help = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String value = null;
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0) {
        value = a.substring(eq + 1);
        a = a.substring(0, eq);
      }
      switch (a) {
        case "--help", "-h" -> help = true;
        case "--no-table" -> table = false;
        case "--duration" -> duration = duration(value != null ? value : next(args, ++i, a));
        case "--speed" -> {
          String v = value != null ? value : next(args, ++i, a);
          try {
            speed = Double.parseDouble(v);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--speed needs a number, got '" + v + "'");
          }
          if (!(speed >= 1 && speed <= 100_000)) {
            throw new IllegalArgumentException("--speed must be between 1 and 100000, got " + v);
          }
        }
        case "--backend" -> backends = backends(value != null ? value : next(args, ++i, a));
        case "--audit-file" -> auditFile = Path.of(value != null ? value : next(args, ++i, a));
        case "--timeline" -> timeline = Path.of(value != null ? value : next(args, ++i, a));
        default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'");
      }
    }
    if (!help) {
      Lifetimes lifetimes = Lifetimes.forRun(duration);
      if (speed > lifetimes.fastestSpeed()) {
        throw new IllegalArgumentException(
            String.format(
                Locale.ROOT,
                "--speed %s is too fast for --duration %s: a %s credential would last less than"
                    + " %d s of real time; use at most --speed %.0f",
                stripZeros(speed),
                StatusTable.human(duration),
                StatusTable.human(lifetimes.unit()),
                Lifetimes.LEAST_REAL_UNIT.toSeconds(),
                Math.floor(lifetimes.fastestSpeed())));
      }
    }
    return new DemoOptions(duration, speed, backends, auditFile, timeline, table, help);
  }

  /** The lifetimes this run uses. */
  Lifetimes lifetimes() {
    return Lifetimes.forRun(duration);
  }

  private static String stripZeros(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  /** Real time the run takes. */
  public Duration realTime() {
    return Duration.ofNanos((long) (duration.toNanos() / speed));
  }

  private static String next(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[i];
  }

  static Duration duration(String text) {
    String t = text.strip().toLowerCase(Locale.ROOT);
    try {
      if (t.startsWith("p")) {
        return positive(Duration.parse(t.toUpperCase(Locale.ROOT)), text);
      }
      long n = Long.parseLong(t.substring(0, t.length() - 1));
      return positive(
          switch (t.charAt(t.length() - 1)) {
            case 'h' -> Duration.ofHours(n);
            case 'm' -> Duration.ofMinutes(n);
            case 's' -> Duration.ofSeconds(n);
            case 'd' -> Duration.ofDays(n);
            default -> throw new NumberFormatException();
          },
          text);
    } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
      throw new IllegalArgumentException(
          "--duration needs a duration like 6h, 90m or PT4H, got '" + text + "'");
    }
  }

  private static Duration positive(Duration d, String text) {
    if (d.compareTo(Lifetimes.SHORTEST_RUN) < 0) {
      throw new IllegalArgumentException(
          "--duration "
              + text
              + " is too short to tell the whole story (a refresh of every source through an"
              + " outage, Vault renewals up to the max TTL, a lease rotation): the shortest is "
              + Lifetimes.SHORTEST_RUN.toMinutes()
              + "m");
    }
    if (d.compareTo(Duration.ofDays(7)) > 0) {
      throw new IllegalArgumentException("--duration must be at most 7d, got '" + text + "'");
    }
    return d;
  }

  private static Set<String> backends(String text) {
    Set<String> out = new LinkedHashSet<>();
    for (String b : text.toLowerCase(Locale.ROOT).split(",", -1)) {
      String name = b.strip();
      if (name.equals("all")) {
        out.addAll(ALL);
      } else if (ALL.contains(name)) {
        out.add(name);
      } else {
        throw new IllegalArgumentException(
            "--backend must be aws, gcp, azure, vault or all, got '" + b + "'");
      }
    }
    return out;
  }
}
