package dev.ephemera.core.audit.timeline;

import dev.ephemera.core.BearerToken;
import dev.ephemera.core.Secret;
import dev.ephemera.core.audit.AuditError;
import dev.ephemera.core.audit.AuditEvent;
import dev.ephemera.core.audit.AuditEventType;
import dev.ephemera.core.audit.AuditHost;
import dev.ephemera.core.audit.AuditOutcome;
import dev.ephemera.core.audit.JsonLinesAuditListener;
import dev.ephemera.core.audit.chain.ChainedAuditSink;
import dev.ephemera.core.spi.IssuerInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Audit trails with known lives, on fixed times, written as plain JSON lines or as chains.
 *
 * <ul>
 *   <li>{@code ASIA-ORDERS-0} (orders-s3): issued at -120 min, expiring at -60, nothing else;
 *   <li>{@code ASIA-ORDERS-1} (orders-s3): issued at 0 expiring at 60, renewed at 40 to 100, a
 *       secret read at 50, revoked at 80; a refresh failure naming no credential at 70;
 *   <li>{@code hvs-billing-1} (billing-vault): issued at 10 expiring at 30, expired at 29.
 * </ul>
 */
final class Trails {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final AuditHost HOST = new AuditHost("node-1", "orders-7d9", "shop", 1);
  static final IssuerInfo ORDERS =
      new IssuerInfo(
          "aws-irsa",
          "system:serviceaccount:shop:orders",
          "arn:aws:iam::111122223333:role/orders",
          "policy-sha256:4c1f");
  static final IssuerInfo BILLING =
      IssuerInfo.of("vault-kubernetes", "system:serviceaccount:shop:billing", "billing");

  private Trails() {}

  static Instant minute(long m) {
    return T0.plus(Duration.ofMinutes(m));
  }

  static AuditEvent.Builder at(AuditEventType type, String source, IssuerInfo issuer, long m) {
    AuditOutcome outcome =
        type == AuditEventType.REFRESH_FAILED ? AuditOutcome.FAILURE : AuditOutcome.SUCCESS;
    return AuditEvent.builder(type, outcome)
        .id(type + "-" + source + "-" + m)
        .time(minute(m))
        .source(source)
        .issuer(issuer)
        .host(HOST);
  }

  static List<AuditEvent> orders() {
    return List.of(
        lifeEvent(AuditEventType.ISSUED, "orders-s3", ORDERS, -120, "ASIA-ORDERS-0", -120, -60),
        lifeEvent(AuditEventType.ISSUED, "orders-s3", ORDERS, 0, "ASIA-ORDERS-1", 0, 60),
        lifeEvent(AuditEventType.RENEWED, "orders-s3", ORDERS, 40, "ASIA-ORDERS-1", 0, 100),
        at(AuditEventType.SECRET_READ, "orders-s3", ORDERS, 50)
            .credentialId("ASIA-ORDERS-1")
            .attribute("path", "secret/orders/db")
            .attribute("version", "3")
            .build(),
        at(AuditEventType.REFRESH_FAILED, "orders-s3", ORDERS, 70)
            .attempt(1)
            .error(new AuditError("CredentialUnavailableException", "THROTTLED", false, "slow"))
            .build(),
        at(AuditEventType.REVOKED, "orders-s3", ORDERS, 80).credentialId("ASIA-ORDERS-1").build());
  }

  static List<AuditEvent> billing() {
    return List.of(
        lifeEvent(AuditEventType.ISSUED, "billing-vault", BILLING, 10, "hvs-billing-1", 10, 30),
        lifeEvent(AuditEventType.EXPIRED, "billing-vault", BILLING, 29, "hvs-billing-1", 10, 30));
  }

  /** An event carrying a credential's id and times, as a source writes ISSUED and RENEWED. */
  static AuditEvent lifeEvent(
      AuditEventType type,
      String source,
      IssuerInfo issuer,
      long m,
      String id,
      long issuedAt,
      long expiresAt) {
    return at(type, source, issuer, m)
        .credential(
            BearerToken.builder()
                .token(Secret.of("secret-value-" + id))
                .id(id)
                .issuedAt(minute(issuedAt))
                .expiresAt(minute(expiresAt))
                .build())
        .build();
  }

  /** {@return member {@code name} of the JSON object {@code object}, a list} */
  @SuppressWarnings("unchecked")
  static List<Object> list(Object object, String name) {
    return (List<Object>) Objects.requireNonNull(map(object).get(name), name);
  }

  /** {@return {@code value}, a parsed JSON object} */
  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object value) {
    return (Map<String, Object>) value;
  }

  static Path jsonLines(Path file, List<AuditEvent> events) throws IOException {
    try (JsonLinesAuditListener out = JsonLinesAuditListener.to(Files.newOutputStream(file))) {
      events.forEach(out::onEvent);
    }
    return file;
  }

  /** Writes {@code events} as a chain, credential ids fingerprinted, a checkpoint every 2. */
  static Path chain(Path file, List<AuditEvent> events) throws IOException {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) 5);
    try (ChainedAuditSink sink =
        ChainedAuditSink.builder(Files.newOutputStream(file))
            .origin("shop")
            .clock(Clock.fixed(T0, ZoneOffset.UTC))
            .checkpointEvery(2)
            .hmacKey(key)
            .build()) {
      events.forEach(sink::onEvent);
    }
    return file;
  }
}
