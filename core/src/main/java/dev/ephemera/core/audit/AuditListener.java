package dev.ephemera.core.audit;

/**
 * Receives audit events. Called on a background thread, one event at a time per source; a listener
 * that throws is isolated and one that blocks only delays (and, past the queue bound, drops) other
 * audit events, never credential use.
 */
@FunctionalInterface
public interface AuditListener {
  /** Handles one event. */
  void onEvent(AuditEvent event);
}
