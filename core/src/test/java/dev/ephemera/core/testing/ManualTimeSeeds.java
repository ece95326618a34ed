package dev.ephemera.core.testing;

import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestInstanceFactoryContext;
import org.junit.jupiter.api.extension.TestInstancePreConstructCallback;
import org.opentest4j.TestAbortedException;

/**
 * Core's copy of the testkit's {@code VirtualTimeSeeds} (core's tests cannot depend on the
 * testkit): a failing test's failure gets a suppressed line naming the {@link ManualTime} seeds the
 * test used and the property that replays them. Auto-detected through {@code META-INF/services}.
 */
public final class ManualTimeSeeds
    implements TestInstancePreConstructCallback,
        AfterEachCallback,
        TestExecutionExceptionHandler,
        LifecycleMethodExecutionExceptionHandler {

  @Override
  public void preConstructTestInstance(
      TestInstanceFactoryContext factory, ExtensionContext context) {
    ManualTime.USED.get().clear();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    ManualTime.USED.get().clear();
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

  static Throwable withSeeds(Throwable failure) {
    Set<Long> seeds = ManualTime.USED.get();
    if (!seeds.isEmpty() && !(failure instanceof TestAbortedException)) {
      long first = seeds.iterator().next();
      failure.addSuppressed(
          new Replay(
              "ManualTime seed"
                  + (seeds.size() == 1 ? " " : "s ")
                  + seeds.stream().map(String::valueOf).collect(Collectors.joining(", "))
                  + "; replay with -D"
                  + ManualTime.SEED_PROPERTY
                  + "="
                  + first));
    }
    return failure;
  }

  /** The replay line, carried as a suppressed exception of the failure. */
  static final class Replay extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Replay(String line) {
      super(line, null, false, false);
    }
  }
}
