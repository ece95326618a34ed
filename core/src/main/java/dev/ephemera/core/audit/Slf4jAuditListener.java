package dev.ephemera.core.audit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Writes audit events to SLF4J logger {@value #LOGGER_NAME} as structured key-values (SLF4J 2
 * fluent API): INFO for successes, WARN for failures, expiries and anomalies.
 */
public final class Slf4jAuditListener implements AuditListener {
  /** The logger every event goes to. */
  public static final String LOGGER_NAME = "ephemera.audit";

  private final Logger logger;

  private Slf4jAuditListener(Logger logger) {
    this.logger = logger;
  }

  /** {@return a listener on logger {@value #LOGGER_NAME}} */
  public static Slf4jAuditListener create() {
    return new Slf4jAuditListener(LoggerFactory.getLogger(LOGGER_NAME));
  }

  @Override
  public void onEvent(AuditEvent e) {
    Level level =
        e.outcome() == AuditOutcome.FAILURE
                || e.type() == AuditEventType.EXPIRED
                || e.type() == AuditEventType.ANOMALY
            ? Level.WARN
            : Level.INFO;
    if (!logger.isEnabledForLevel(level)) {
      return;
    }
    LoggingEventBuilder b =
        logger
            .atLevel(level)
            .addKeyValue("schema", AuditEvent.SCHEMA)
            .addKeyValue("event.id", e.id())
            .addKeyValue("event.type", e.type().name())
            .addKeyValue("event.outcome", e.outcome().name())
            .addKeyValue("source", e.source())
            .addKeyValue("provider", e.provider())
            .addKeyValue("principal", e.principal())
            .addKeyValue("target", e.target())
            .addKeyValue("scope", e.scope());
    if (e.credentialId().isPresent()) {
      b = b.addKeyValue("credential.id", e.credentialId().get());
    }
    if (e.expiresAt().isPresent()) {
      b = b.addKeyValue("credential.expiresAt", e.expiresAt().get().toString());
    }
    if (e.latency().isPresent()) {
      b = b.addKeyValue("latencyMs", e.latency().get().toMillis());
    }
    if (e.attempt() > 0) {
      b = b.addKeyValue("attempt", e.attempt());
    }
    if (e.error().isPresent()) {
      AuditError err = e.error().get();
      b =
          b.addKeyValue("error.type", err.type())
              .addKeyValue("error.reason", err.reason())
              .addKeyValue("error.terminal", err.terminal())
              .addKeyValue("error.message", err.message());
    }
    for (var attribute : e.attributes().entrySet()) {
      b = b.addKeyValue(attribute.getKey(), attribute.getValue());
    }
    // Pre-formatted, no placeholders: a "{}" inside a value must stay literal.
    b.log(
        e.type()
            + " "
            + e.outcome()
            + " source="
            + e.source()
            + " credential="
            + e.credentialId().orElse("-"));
  }
}
