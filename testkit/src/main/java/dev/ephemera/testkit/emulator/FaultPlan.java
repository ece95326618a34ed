package dev.ephemera.testkit.emulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Which requests an emulator answers with a fault. One-shot faults ({@link #next}) are used in
 * order; then outage windows on the emulator's clock; then a standing fault ({@link #always}).
 * Thread-safe.
 */
public final class FaultPlan {
  private record Window(Instant from, Instant until, Fault fault) {}

  private record Shot(Fault fault, Predicate<EmulatedRequest> applies) {}

  private final Clock clock;
  private final Deque<Shot> shots = new ArrayDeque<>();
  private final List<Window> windows = new ArrayList<>();
  private @Nullable Fault standing;

  FaultPlan(Clock clock) {
    this.clock = clock;
  }

  /**
   * {@return the next request gets {@code fault}}
   *
   * @param fault the fault to inject
   */
  public synchronized FaultPlan next(Fault fault) {
    return next(1, fault);
  }

  /**
   * {@return each of the next {@code count} requests gets {@code fault}}
   *
   * @param count the count
   * @param fault the fault to inject
   */
  public synchronized FaultPlan next(int count, Fault fault) {
    return nextMatching(count, fault, r -> true);
  }

  /**
   * Each of the next {@code count} requests that match {@code which} gets {@code fault}.
   *
   * @param count the count
   * @param fault the fault to inject
   * @param which which of the requests
   * @return this {@code FaultPlan}
   */
  public synchronized FaultPlan nextMatching(
      int count, Fault fault, Predicate<EmulatedRequest> which) {
    Objects.requireNonNull(fault, "fault");
    Objects.requireNonNull(which, "which");
    for (int i = 0; i < count; i++) {
      shots.add(new Shot(fault, which));
    }
    return this;
  }

  /**
   * Every request gets {@code fault} until {@link #clear()}.
   *
   * @param fault every request gets {@code fault} until {@link #clear()}
   * @return this {@code FaultPlan}
   */
  public synchronized FaultPlan always(Fault fault) {
    this.standing = Objects.requireNonNull(fault, "fault");
    return this;
  }

  /**
   * Every request in {@code [from, until)} on the emulator's clock gets {@code fault}.
   *
   * @param from the from
   * @param until the until
   * @param fault the fault to inject
   * @return this {@code FaultPlan}
   */
  public synchronized FaultPlan outage(Instant from, Instant until, Fault fault) {
    windows.add(new Window(from, until, Objects.requireNonNull(fault, "fault")));
    return this;
  }

  /**
   * {@return an outage starting now and lasting {@code length}}
   *
   * @param length the length
   * @param fault the fault to inject
   */
  public synchronized FaultPlan outageFor(Duration length, Fault fault) {
    Instant now = clock.instant();
    return outage(now, now.plus(length), fault);
  }

  /** Removes every planned fault. */
  public synchronized void clear() {
    shots.clear();
    windows.clear();
    standing = null;
  }

  /** The fault for a request arriving now, consuming a one-shot fault if one applies. */
  synchronized Optional<Fault> take(EmulatedRequest request) {
    for (var it = shots.iterator(); it.hasNext(); ) {
      Shot shot = it.next();
      if (shot.applies().test(request)) {
        it.remove();
        return Optional.of(shot.fault());
      }
    }
    Instant now = clock.instant();
    for (Window w : windows) {
      if (!now.isBefore(w.from()) && now.isBefore(w.until())) {
        return Optional.of(w.fault());
      }
    }
    return Optional.ofNullable(standing);
  }
}
