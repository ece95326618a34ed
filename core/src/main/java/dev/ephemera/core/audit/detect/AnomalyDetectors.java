package dev.ephemera.core.audit.detect;

import dev.ephemera.core.audit.AuditEvent;
import dev.ephemera.core.audit.AuditListener;
import java.util.List;
import java.util.Objects;

/** Ready-made sets of detectors. */
public final class AnomalyDetectors {
  private AnomalyDetectors() {}

  /**
   * {@return one listener feeding every detector of this package, each with its default thresholds,
   * all reporting to {@code downstream}}: {@link SpikeDetector}, {@link FailureStreakDetector},
   * {@link SecretAccessDetector} (with no baseline), {@link UseAfterRevokeDetector}, {@link
   * TrustChangeDetector} and {@link PolicyBreachDetector}. Build them one by one to change a
   * threshold or load a baseline, and join them with {@link #of(AuditListener...)}.
   *
   * @param downstream receives the {@code ANOMALY} events
   */
  public static AuditListener standard(AuditListener downstream) {
    Objects.requireNonNull(downstream, "downstream");
    return of(
        SpikeDetector.builder().build(downstream),
        FailureStreakDetector.builder().build(downstream),
        SecretAccessDetector.builder().build(downstream),
        UseAfterRevokeDetector.builder().build(downstream),
        TrustChangeDetector.builder().build(downstream),
        PolicyBreachDetector.builder().build(downstream));
  }

  /**
   * {@return one listener handing each event to every one of {@code detectors} in order; one that
   * throws does not keep the event from the others, and nothing is thrown}
   *
   * @param detectors the listeners
   */
  public static AuditListener of(AuditListener... detectors) {
    List<AuditListener> all = List.of(detectors);
    return event -> deliver(all, event);
  }

  private static void deliver(List<AuditListener> all, AuditEvent event) {
    for (AuditListener l : all) {
      try {
        l.onEvent(event);
      } catch (Exception e) {
        // one listener's failure is its own
      }
    }
  }
}
