package dev.ephemera.core.testing;

import dev.ephemera.core.audit.AuditEvent;
import dev.ephemera.core.audit.AuditEventType;
import dev.ephemera.core.audit.AuditListener;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/** An audit listener that keeps what it is given, for assertions. Thread-safe. */
public final class RecordingListener implements AuditListener {
  private final List<AuditEvent> events = new ArrayList<>();

  @Override
  public synchronized void onEvent(AuditEvent event) {
    events.add(event);
  }

  public synchronized List<AuditEvent> events() {
    return List.copyOf(events);
  }

  public List<AuditEvent> matching(Predicate<AuditEvent> which) {
    return events().stream().filter(which).toList();
  }

  public List<AuditEvent> ofType(AuditEventType type) {
    return matching(e -> e.type() == type);
  }

  public int count(AuditEventType type) {
    return ofType(type).size();
  }

  /** Every event as its JSON line, for leak checks. */
  public String allJson() {
    return events().stream().map(AuditEvent::toJson).collect(Collectors.joining("\n"));
  }
}
