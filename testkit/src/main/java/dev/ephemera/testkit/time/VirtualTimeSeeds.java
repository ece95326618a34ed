package dev.ephemera.testkit.time;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestInstanceFactoryContext;
import org.junit.jupiter.api.extension.TestInstancePreConstructCallback;
import org.opentest4j.TestAbortedException;

/**
 * A JUnit 5 extension that names, in a failing test's own failure, the seed of every {@link
 * VirtualTime} the test used and the property that replays it: {@code VirtualTime seed 42; replay
 * with -Dephemera.testkit.seed=42}. The line is a suppressed exception of the failure, so it lands
 * in the test report as well as on the console.
 *
 * <p>Registered by {@code META-INF/services} for JUnit's extension auto-detection: run tests with
 * {@code junit.jupiter.extensions.autodetection.enabled=true} (Ephemera's own build does), or name
 * it with {@code @ExtendWith(VirtualTimeSeeds.class)}. A test "uses" a {@code VirtualTime} that its
 * thread creates, builds a source on or advances, from its instance's construction to its end; only
 * seeds drawn fresh or from the property count, since a seed given in code replays by itself.
 */
public final class VirtualTimeSeeds
    implements TestInstancePreConstructCallback,
        AfterEachCallback,
        TestExecutionExceptionHandler,
        LifecycleMethodExecutionExceptionHandler {

  /** Created by JUnit. */
  public VirtualTimeSeeds() {}

  @Override
  public void preConstructTestInstance(
      TestInstanceFactoryContext factory, ExtensionContext context) {
    SeedLog.clear();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    SeedLog.clear();
  }

  @Override
  public void handleTestExecutionException(ExtensionContext context, Throwable failure)
      throws Throwable {
    throw withSeeds(failure);
  }

  @Override
  public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable failure)
      throws Throwable {
    throw withSeeds(failure);
  }

  @Override
  public void handleAfterEachMethodExecutionException(ExtensionContext context, Throwable failure)
      throws Throwable {
    throw withSeeds(failure);
  }

  /** {@code failure} with the replay line added, unless it is an abort or names no seed. */
  static Throwable withSeeds(Throwable failure) {
    List<Long> seeds = SeedLog.seeds();
    if (seeds.isEmpty() || failure instanceof TestAbortedException) {
      return failure;
    }
    for (Throwable s : failure.getSuppressed()) {
      if (s instanceof Replay) {
        return failure;
      }
    }
    failure.addSuppressed(new Replay(line(seeds)));
    return failure;
  }

  /** The replay line for {@code seeds} (not empty). */
  static String line(List<Long> seeds) {
    String replay = " replay with -D" + VirtualTime.SEED_PROPERTY + "=" + seeds.get(0);
    if (seeds.size() == 1) {
      return "VirtualTime seed " + seeds.get(0) + ";" + replay;
    }
    return "VirtualTime seeds "
        + seeds.stream().map(String::valueOf).collect(Collectors.joining(", "))
        + ";"
        + replay
        + " (the property gives every VirtualTime created without a seed that one)";
  }

  /** The replay line, carried as a suppressed exception of the failure. */
  static final class Replay extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Replay(String line) {
      super(line, null, false, false);
    }
  }
}
