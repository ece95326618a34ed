package dev.ephemera.core.audit.detect;

import dev.ephemera.core.audit.AuditEvent;
import dev.ephemera.core.audit.AuditEventType;
import dev.ephemera.core.audit.AuditListener;
import dev.ephemera.core.spi.IssuerInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * What every detector shares: one lock around its state, the rule that {@code onEvent} never
 * throws, the building and delivery of {@code ANOMALY} events outside the lock, the bounded maps
 * and the builders' checks.
 */
final class Anomalies {
  /** The default bound on tracked keys per detector. */
  static final int DEFAULT_MAX_TRACKED = 100_000;

  /** A detector's look at one event, under the lock; it adds what it finds to {@code found}. */
  @FunctionalInterface
  interface Check {
    void check(AuditEvent event, Findings found);
  }

  /** Collects a check's findings, to be delivered once the lock is released. */
  static final class Findings {
    private final AuditEvent trigger;
    private final List<AuditEvent> events = new ArrayList<>(1);

    private Findings(AuditEvent trigger) {
      this.trigger = trigger;
    }

    /**
     * Reports one anomaly of kind {@code kind} triggered by the event being checked.
     *
     * @param kind the kebab-case kind
     * @param evidence what was seen, never a secret
     * @param threshold the configured limit
     */
    void report(String kind, String evidence, String threshold) {
      AuditEvent.Builder b =
          AuditEvent.builder(AuditEventType.ANOMALY, trigger.outcome())
              .time(trigger.time())
              .source(trigger.source())
              .issuer(
                  new IssuerInfo(
                      trigger.provider(), trigger.principal(), trigger.target(), trigger.scope()))
              .host(trigger.host())
              .attribute("anomaly", kind)
              .attribute("evidence", evidence)
              .attribute("threshold", threshold)
              .attribute("triggerEventId", trigger.id());
      trigger.credentialId().ifPresent(b::credentialId);
      events.add(b.build());
    }
  }

  private final AuditListener downstream;
  private final ReentrantLock lock = new ReentrantLock();

  Anomalies(AuditListener downstream) {
    this.downstream = Objects.requireNonNull(downstream, "downstream");
  }

  /**
   * Runs {@code check} on {@code event} under the lock, then delivers its findings downstream.
   * Never throws: a check that fails on a bad event reports nothing, and a downstream that throws
   * loses only that anomaly. {@code ANOMALY} events are not checked.
   */
  void observe(AuditEvent event, Check check) {
    List<AuditEvent> found;
    lock.lock();
    try {
      if (event.type() == AuditEventType.ANOMALY) {
        return;
      }
      Findings findings = new Findings(event);
      check.check(event, findings);
      found = findings.events;
    } catch (RuntimeException e) {
      return; // a bad event (missing fields, out-of-range time) is ignored
    } finally {
      lock.unlock();
    }
    for (AuditEvent anomaly : found) {
      try {
        downstream.onEvent(anomaly);
      } catch (Exception e) {
        // the downstream's failure is its own; detection goes on
      }
    }
  }

  /** Runs {@code action} under the lock (loading a baseline). */
  void run(Runnable action) {
    lock.lock();
    try {
      action.run();
    } finally {
      lock.unlock();
    }
  }

  /** {@return what {@code action} gives, under the lock (reading sizes in tests)} */
  <T> T locked(Supplier<T> action) {
    lock.lock();
    try {
      return action.get();
    } finally {
      lock.unlock();
    }
  }

  /**
   * {@return a map holding at most {@code maxEntries}, evicting the least recently accessed; not
   * thread-safe (use it under the lock)}
   */
  static <K, V> Map<K, V> lru(int maxEntries) {
    return new LinkedHashMap<K, V>(16, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > maxEntries;
      }
    };
  }

  /** {@return {@code value}, checked to be at least 1, for the setting {@code name}} */
  static int positive(int value, String name) {
    require(value >= 1, name + " must be at least 1: " + value);
    return value;
  }

  /** {@return {@code d}, checked to be non-null and positive, for the setting {@code name}} */
  static Duration positive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    require(!d.isNegative() && !d.isZero(), name + " must be positive: " + d);
    return d;
  }

  /** Throws an {@link IllegalArgumentException} with {@code message} unless {@code ok}. */
  static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  /** {@return evidence or a threshold: {@code key=value} pairs joined by {@code ", "}} */
  static String facts(Object... keysAndValues) {
    StringBuilder sb = new StringBuilder(64);
    for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append(keysAndValues[i]).append('=').append(keysAndValues[i + 1]);
    }
    return sb.toString();
  }
}
