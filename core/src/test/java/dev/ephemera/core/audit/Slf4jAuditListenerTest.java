package dev.ephemera.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.ephemera.core.BearerToken;
import dev.ephemera.core.Secret;
import dev.ephemera.core.spi.IssuerInfo;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;

class Slf4jAuditListenerTest {

  private static final Instant TIME = Instant.parse("2030-01-01T00:00:00Z");
  private static final AuditHost HOST = new AuditHost("h", "p", "ns", 7);

  @Test
  void loggerName_isEphemeraAudit() {
    assertThat(Slf4jAuditListener.LOGGER_NAME).isEqualTo("ephemera.audit");
    assertThat(LoggerFactory.getLogger(Slf4jAuditListener.LOGGER_NAME).getName())
        .isEqualTo("ephemera.audit");
  }

  @Test
  void create_returnsAListener() {
    AuditListener listener = Slf4jAuditListener.create();

    assertThat(listener).isNotNull();
  }

  @ParameterizedTest
  @EnumSource(AuditEventType.class)
  void onEvent_minimalEvent_doesNotThrowForAnyTypeOrOutcome(AuditEventType type) {
    Slf4jAuditListener listener = Slf4jAuditListener.create();

    for (AuditOutcome outcome : AuditOutcome.values()) {
      AuditEvent event = AuditEvent.builder(type, outcome).time(TIME).host(HOST).build();

      assertThatCode(() -> listener.onEvent(event)).doesNotThrowAnyException();
    }
  }

  @ParameterizedTest
  @EnumSource(AuditEventType.class)
  void onEvent_fullEvent_doesNotThrowForAnyTypeOrOutcome(AuditEventType type) {
    Slf4jAuditListener listener = Slf4jAuditListener.create();
    BearerToken token =
        BearerToken.builder()
            .token(Secret.of("opaque-token"))
            .issuedAt(TIME)
            .expiresAt(TIME.plusSeconds(3600))
            .auditAttribute("requestId", "r-1")
            .build();

    for (AuditOutcome outcome : AuditOutcome.values()) {
      AuditEvent event =
          AuditEvent.builder(type, outcome)
              .time(TIME)
              .source("orders")
              .issuer(IssuerInfo.of("aws-irsa", "sub", "arn").withScope("s"))
              .credential(token)
              .latency(Duration.ofMillis(12))
              .attempt(2)
              .error(new AuditError("IOException", "UNAVAILABLE", false, "reset {} {}"))
              .host(HOST)
              .attribute("path", "secret/data/app")
              .build();

      assertThatCode(() -> listener.onEvent(event)).doesNotThrowAnyException();
    }
  }
}
