package dev.ephemera.core.audit.detect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ephemera.core.BearerToken;
import dev.ephemera.core.Secret;
import dev.ephemera.core.audit.AuditError;
import dev.ephemera.core.audit.AuditEvent;
import dev.ephemera.core.audit.AuditEventType;
import dev.ephemera.core.audit.AuditHost;
import dev.ephemera.core.audit.AuditListener;
import dev.ephemera.core.audit.AuditOutcome;
import dev.ephemera.core.spi.IssuerInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Synthetic events on explicit (virtual) times, and a listener that records what it gets. */
final class Events {
  static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  static final AuditHost HOST = new AuditHost("node-1", "api-0", "payments", 4242);
  static final IssuerInfo ISSUER =
      IssuerInfo.of(
          "aws-irsa", "system:serviceaccount:payments:api", "arn:aws:iam::123456789012:role/api");

  private Events() {}

  /** {@return an event of {@code type} from {@code source} at {@code T0 + at}} */
  static AuditEvent.Builder at(AuditEventType type, String source, Duration at) {
    AuditOutcome outcome =
        type == AuditEventType.REFRESH_FAILED ? AuditOutcome.FAILURE : AuditOutcome.SUCCESS;
    AuditEvent.Builder b =
        AuditEvent.builder(type, outcome)
            .time(T0.plus(at))
            .source(source)
            .issuer(ISSUER)
            .host(HOST);
    if (type == AuditEventType.REFRESH_FAILED) {
      b.error(new AuditError("CredentialUnavailableException", "THROTTLED", false, "slow down"));
    }
    return b;
  }

  static AuditEvent event(AuditEventType type, String source, Duration at) {
    return at(type, source, at).build();
  }

  /** {@return a credential with id {@code id} living {@code lifetime} from {@code T0 + at}} */
  static BearerToken credential(String id, Duration at, Duration lifetime) {
    return BearerToken.builder()
        .token(Secret.of("secret-value-" + id))
        .id(id)
        .issuedAt(T0.plus(at))
        .expiresAt(T0.plus(at).plus(lifetime))
        .build();
  }

  /** Records what a detector reports. */
  static final class Recorder implements AuditListener {
    final List<AuditEvent> events = new ArrayList<>();

    @Override
    public void onEvent(AuditEvent event) {
      events.add(event);
    }

    /** Asserts exactly one anomaly of {@code kind} and {@return it} */
    AuditEvent single(String kind) {
      assertThat(events).hasSize(1);
      AuditEvent e = events.get(0);
      assertThat(e.type()).isEqualTo(AuditEventType.ANOMALY);
      assertThat(e.attributes()).containsEntry("anomaly", kind);
      assertThat(e.attributes()).containsKeys("evidence", "threshold", "triggerEventId");
      assertThat(e.toJson()).doesNotContain("secret-value");
      return e;
    }

    String evidence() {
      return events.get(0).attributes().getOrDefault("evidence", "");
    }

    String threshold() {
      return events.get(0).attributes().getOrDefault("threshold", "");
    }
  }
}
