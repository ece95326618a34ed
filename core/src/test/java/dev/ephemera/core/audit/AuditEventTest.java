package dev.ephemera.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ephemera.core.BearerToken;
import dev.ephemera.core.Secret;
import dev.ephemera.core.internal.Json;
import dev.ephemera.core.spi.IssuerInfo;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AuditEventTest {

  private static final Instant TIME = Instant.parse("2030-01-01T00:00:00.123Z");
  private static final Instant ISSUED = Instant.parse("2030-01-01T00:00:00Z");
  private static final Instant EXPIRES = Instant.parse("2030-01-01T01:00:00Z");
  private static final String RAW_TOKEN = "ya29.super-secret-access-token-value";
  private static final AuditHost HOST = new AuditHost("node-1", "api-0", "payments", 4242);
  private static final IssuerInfo ISSUER =
      new IssuerInfo(
          "aws-irsa",
          "system:serviceaccount:payments:api",
          "arn:aws:iam::123456789012:role/api",
          "policy:sha256:0011");

  private static AuditEvent.Builder minimal() {
    return AuditEvent.builder(AuditEventType.ISSUED, AuditOutcome.SUCCESS).time(TIME);
  }

  private static BearerToken token() {
    return BearerToken.builder()
        .token(Secret.of(RAW_TOKEN))
        .issuedAt(ISSUED)
        .expiresAt(EXPIRES)
        .auditAttribute("requestId", "req-1")
        .build();
  }

  private static AuditEvent full() {
    return AuditEvent.builder(AuditEventType.REFRESH_FAILED, AuditOutcome.FAILURE)
        .id("evt-1")
        .time(TIME)
        .source("orders-db")
        .issuer(ISSUER)
        .credential(token())
        .latency(Duration.ofMillis(1234).plusNanos(999_999))
        .attempt(3)
        .error(new AuditError("CredentialUnavailableException", "THROTTLED", false, "slow down"))
        .host(HOST)
        .attribute("zeta", "last")
        .attribute("alpha", "first")
        .build();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(@Nullable Object value) {
    assertThat(value).isInstanceOf(Map.class);
    return (Map<String, Object>) Objects.requireNonNull(value);
  }

  // ---- builder ----

  @Test
  void builder_defaultsEverythingOptional() {
    AuditEvent event = minimal().build();

    assertThat(UUID.fromString(event.id())).isNotNull();
    assertThat(event.time()).isEqualTo(TIME);
    assertThat(event.type()).isEqualTo(AuditEventType.ISSUED);
    assertThat(event.outcome()).isEqualTo(AuditOutcome.SUCCESS);
    assertThat(event.source()).isEmpty();
    assertThat(event.provider()).isEmpty();
    assertThat(event.principal()).isEmpty();
    assertThat(event.target()).isEmpty();
    assertThat(event.scope()).isEmpty();
    assertThat(event.credentialId()).isEmpty();
    assertThat(event.issuedAt()).isEmpty();
    assertThat(event.expiresAt()).isEmpty();
    assertThat(event.latency()).isEmpty();
    assertThat(event.attempt()).isZero();
    assertThat(event.error()).isEmpty();
    assertThat(event.host()).isSameAs(AuditHost.local());
    assertThat(event.attributes()).isEmpty();
  }

  @Test
  void builder_givesEveryEventItsOwnRandomId() {
    assertThat(minimal().build().id()).isNotEqualTo(minimal().build().id());
  }

  @Test
  void builder_requiresTheTime() {
    assertThatThrownBy(
            () -> AuditEvent.builder(AuditEventType.CLOSED, AuditOutcome.SUCCESS).build())
        .isInstanceOf(NullPointerException.class)
        .hasMessage("time");
  }

  @Test
  void builder_rejectsANegativeAttempt() {
    assertThatThrownBy(() -> minimal().attempt(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("attempt");
  }

  @Test
  void builder_takesIssuerFieldsFromIssuerInfo() {
    AuditEvent event = minimal().issuer(ISSUER).build();

    assertThat(event.provider()).isEqualTo("aws-irsa");
    assertThat(event.principal()).isEqualTo("system:serviceaccount:payments:api");
    assertThat(event.target()).isEqualTo("arn:aws:iam::123456789012:role/api");
    assertThat(event.scope()).isEqualTo("policy:sha256:0011");
  }

  @Test
  void builder_takesCredentialIdTimesAndAuditAttributes() {
    BearerToken token = token();

    AuditEvent event = minimal().credential(token).build();

    assertThat(event.credentialId()).contains(token.id());
    assertThat(event.issuedAt()).contains(ISSUED);
    assertThat(event.expiresAt()).contains(EXPIRES);
    assertThat(event.attributes()).containsEntry("requestId", "req-1");
  }

  @Test
  void attributes_areACopyAndImmutable() {
    AuditEvent.Builder builder = minimal().attribute("a", "1");
    AuditEvent event = builder.build();
    builder.attribute("b", "2");

    assertThat(event.attributes()).containsOnlyKeys("a");
    assertThatThrownBy(() -> event.attributes().put("c", "3"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void toString_showsTypeOutcomeSourceAndCredentialIdOnly() {
    AuditEvent event = full();

    assertThat(event.toString())
        .contains("REFRESH_FAILED", "FAILURE", "orders-db", token().id())
        .doesNotContain(RAW_TOKEN);
  }

  // ---- toJson ----

  @Test
  void toJson_isOneLineOfValidJsonWithTheSchema() {
    String json = full().toJson();

    assertThat(json).doesNotContain("\n", "\r").startsWith("{\"schema\":").endsWith("}");
    Map<String, Object> parsed = Json.parseObject(json);
    assertThat(parsed).containsEntry("schema", "ephemera.audit/v1");
    assertThat(AuditEvent.SCHEMA).isEqualTo("ephemera.audit/v1");
  }

  @Test
  void toJson_writesEveryFieldUnderItsDocumentedName() {
    Map<String, Object> parsed = Json.parseObject(full().toJson());

    assertThat(parsed.keySet())
        .containsExactly(
            "schema",
            "id",
            "time",
            "type",
            "outcome",
            "source",
            "provider",
            "principal",
            "target",
            "scope",
            "credentialId",
            "issuedAt",
            "expiresAt",
            "latencyMs",
            "attempt",
            "error",
            "host",
            "attributes");
    assertThat(parsed)
        .containsEntry("id", "evt-1")
        .containsEntry("time", "2030-01-01T00:00:00.123Z")
        .containsEntry("type", "REFRESH_FAILED")
        .containsEntry("outcome", "FAILURE")
        .containsEntry("source", "orders-db")
        .containsEntry("provider", "aws-irsa")
        .containsEntry("principal", "system:serviceaccount:payments:api")
        .containsEntry("target", "arn:aws:iam::123456789012:role/api")
        .containsEntry("scope", "policy:sha256:0011")
        .containsEntry("credentialId", token().id())
        .containsEntry("issuedAt", "2030-01-01T00:00:00Z")
        .containsEntry("expiresAt", "2030-01-01T01:00:00Z")
        .containsEntry("latencyMs", new BigDecimal("1234"))
        .containsEntry("attempt", new BigDecimal("3"));
  }

  @Test
  void toJson_writesTheErrorAsAnObject() {
    Map<String, Object> error = object(Json.parseObject(full().toJson()).get("error"));

    assertThat(error.keySet()).containsExactly("type", "reason", "terminal", "message");
    assertThat(error)
        .containsEntry("type", "CredentialUnavailableException")
        .containsEntry("reason", "THROTTLED")
        .containsEntry("terminal", Boolean.FALSE)
        .containsEntry("message", "slow down");
  }

  @Test
  void toJson_writesATerminalErrorAsTrue() {
    AuditEvent event =
        minimal()
            .error(new AuditError("CredentialUnavailableException", "REJECTED", true, ""))
            .build();

    Map<String, Object> error = object(Json.parseObject(event.toJson()).get("error"));

    assertThat(error).containsEntry("terminal", Boolean.TRUE).containsEntry("message", "");
  }

  @Test
  void toJson_writesTheHostAsAnObjectWithANumericPid() {
    Map<String, Object> host = object(Json.parseObject(full().toJson()).get("host"));

    assertThat(host.keySet()).containsExactly("hostname", "pod", "namespace", "pid");
    assertThat(host)
        .containsEntry("hostname", "node-1")
        .containsEntry("pod", "api-0")
        .containsEntry("namespace", "payments")
        .containsEntry("pid", new BigDecimal("4242"));
  }

  @Test
  void toJson_writesAttributesSortedByKey() {
    AuditEvent event =
        minimal()
            .attribute("zeta", "1")
            .attribute("alpha", "2")
            .attribute("Mid", "3")
            .attribute("beta", "4")
            .build();

    Map<String, Object> attributes = object(Json.parseObject(event.toJson()).get("attributes"));

    assertThat(attributes.keySet()).containsExactly("Mid", "alpha", "beta", "zeta");
    assertThat(attributes).containsEntry("zeta", "1").containsEntry("alpha", "2");
  }

  @Test
  void toJson_omitsAbsentOptionalFields() {
    Map<String, Object> parsed = Json.parseObject(minimal().host(HOST).build().toJson());

    assertThat(parsed)
        .doesNotContainKeys(
            "credentialId", "issuedAt", "expiresAt", "latencyMs", "attempt", "error", "attributes");
    assertThat(parsed.keySet())
        .containsExactly(
            "schema",
            "id",
            "time",
            "type",
            "outcome",
            "source",
            "provider",
            "principal",
            "target",
            "scope",
            "host");
    assertThat(parsed).containsEntry("source", "").containsEntry("scope", "");
  }

  @Test
  void toJson_omitsAttemptZero() {
    assertThat(Json.parseObject(minimal().attempt(0).build().toJson()))
        .doesNotContainKey("attempt");
    assertThat(Json.parseObject(minimal().attempt(1).build().toJson()))
        .containsEntry("attempt", new BigDecimal("1"));
  }

  @Test
  void toJson_writesZeroLatency() {
    assertThat(Json.parseObject(minimal().latency(Duration.ZERO).build().toJson()))
        .containsEntry("latencyMs", new BigDecimal("0"));
  }

  @Test
  void toJson_escapesEveryStringSoItParsesBackUnchanged() {
    String nasty = "quote\" backslash\\ newline\n return\r tab\t nul\u0000 sep\u2028 ünï 😀";
    AuditEvent event =
        minimal()
            .source(nasty)
            .issuer(new IssuerInfo(nasty, nasty, nasty, nasty))
            .error(new AuditError(nasty, nasty, true, nasty))
            .host(new AuditHost(nasty, nasty, nasty, 1))
            .attribute(nasty, nasty)
            .build();

    String json = event.toJson();

    assertThat(json).doesNotContain("\n", "\r", "\u2028");
    Map<String, Object> parsed = Json.parseObject(json);
    assertThat(parsed)
        .containsEntry("source", nasty)
        .containsEntry("provider", nasty)
        .containsEntry("principal", nasty)
        .containsEntry("target", nasty)
        .containsEntry("scope", nasty);
    assertThat(object(parsed.get("error")))
        .containsEntry("type", nasty)
        .containsEntry("reason", nasty)
        .containsEntry("message", nasty);
    assertThat(object(parsed.get("host"))).containsEntry("hostname", nasty);
    assertThat(object(parsed.get("attributes"))).containsEntry(nasty, nasty);
  }

  @Test
  void toJson_neverContainsTheCredentialsSecret() {
    assertThat(full().toJson()).doesNotContain(RAW_TOKEN).doesNotContain("super-secret");
  }

  @ParameterizedTest
  @EnumSource(AuditEventType.class)
  void toJson_isValidForEveryEventType(AuditEventType type) {
    for (AuditOutcome outcome : AuditOutcome.values()) {
      AuditEvent event = AuditEvent.builder(type, outcome).time(TIME).build();

      Map<String, Object> parsed = Json.parseObject(event.toJson());

      assertThat(parsed)
          .containsEntry("type", type.name())
          .containsEntry("outcome", outcome.name());
    }
  }

  @Test
  void eventTypes_areTheDocumentedOnes() {
    assertThat(AuditEventType.values())
        .extracting(Enum::name)
        .containsExactly(
            "ISSUED",
            "RENEWED",
            "REFRESH_FAILED",
            "EXPIRED",
            "REVOKED",
            "CLOSED",
            "SECRET_READ",
            "ACCESS_SUMMARY",
            "ANOMALY");
  }

  @Test
  void auditError_rejectsNullFields() {
    assertThatThrownBy(() -> new AuditError(nullString(), "", false, "")).hasMessage("type");
    assertThatThrownBy(() -> new AuditError("", nullString(), false, "")).hasMessage("reason");
    assertThatThrownBy(() -> new AuditError("", "", false, nullString())).hasMessage("message");
  }

  @SuppressWarnings("NullAway")
  private static String nullString() {
    return null;
  }
}
