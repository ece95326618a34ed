package dev.ephemera.testkit;

import dev.ephemera.core.audit.AuditEvent;
import dev.ephemera.core.audit.AuditEventType;
import dev.ephemera.core.audit.AuditListener;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** An audit listener that keeps every event, for assertions. Thread-safe. */
public final class RecordingAuditListener implements AuditListener {
  private final List<AuditEvent> events = new ArrayList<>();

  @Override
  public synchronized void onEvent(AuditEvent event) {
    events.add(event);
  }

  /** {@return every event so far, in order} */
  public synchronized List<AuditEvent> events() {
    return List.copyOf(events);
  }

  /**
   * {@return the events of one type}
   *
   * @param type the type
   */
  public synchronized List<AuditEvent> ofType(AuditEventType type) {
    return events.stream().filter(e -> e.type() == type).toList();
  }

  /**
   * {@return the events matching {@code which}}
   *
   * @param which which of the requests
   */
  public synchronized List<AuditEvent> matching(Predicate<AuditEvent> which) {
    return events.stream().filter(which).toList();
  }

  /**
   * {@return how many events of one type}
   *
   * @param type the type
   */
  public synchronized int count(AuditEventType type) {
    return (int) events.stream().filter(e -> e.type() == type).count();
  }

  /** {@return every event rendered as JSON lines, for leak checks} */
  public synchronized String allJson() {
    StringBuilder sb = new StringBuilder();
    events.forEach(e -> sb.append(e.toJson()).append('\n'));
    return sb.toString();
  }

  /** Forgets every event. */
  public synchronized void clear() {
    events.clear();
  }
}
