package dev.ephemera.examples.demo;

import java.io.PrintStream;

/** The demo's entry point: {@code ./demo [--duration 6h] [--speed 360] [--backend all] ...}. */
public final class DemoMain {
  private DemoMain() {}

  /** Runs the demo and exits with its status. */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the demo; returns 0 on success, 1 if the story failed, 2 on bad options. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    DemoOptions options;
    boolean terminal = System.console() != null;
    try {
      options = DemoOptions.parse(args, terminal);
    } catch (IllegalArgumentException e) {
      err.println("demo: " + e.getMessage());
      err.println("Try ./demo --help");
      return 2;
    }
    if (options.help()) {
      out.print(DemoOptions.USAGE);
      return 0;
    }
    try {
      return new Demo(options, out, TerminalWidth.of(terminal, System.getenv("COLUMNS"))).run().ok()
          ? 0
          : 1;
    } catch (Exception e) {
      err.println("demo: failed: " + e);
      return 1;
    }
  }

  /** Runs the demo and returns its summary (for tests). */
  public static DemoSummary runForSummary(DemoOptions options, PrintStream out) throws Exception {
    return new Demo(options, out, () -> 0).run();
  }
}
