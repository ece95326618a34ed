package dev.ephemera.core.audit;

/**
 * Receives audit events. Called on a background thread, never concurrently: one listener object
 * shared by many sources is called by one thread at a time, in each source's order. Each listener
 * has its own bounded queue per source: one that throws (anything, even a checked exception) is
 * isolated, and one that blocks loses only its own events past the bound, counted in {@link
 * dev.ephemera.core.SourceStatus#auditEventsDropped()} and reported to the other listeners; it
 * never delays another listener or credential use.
 */
@FunctionalInterface
public interface AuditListener {
  /**
   * Handles one event.
   *
   * @param event the event
   */
  void onEvent(AuditEvent event);
}
