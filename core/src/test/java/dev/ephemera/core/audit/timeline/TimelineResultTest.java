package dev.ephemera.core.audit.timeline;

import static dev.ephemera.core.audit.timeline.Trails.minute;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ephemera.core.audit.AuditEvent;
import dev.ephemera.core.audit.AuditEventType;
import dev.ephemera.core.internal.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TimelineResultTest {
  private static AuditTimeline timeline() {
    List<AuditEvent> all = new ArrayList<>(Trails.orders());
    all.addAll(Trails.billing());
    return AuditTimeline.of(all);
  }

  @Test
  void toTable_groupsRowsByCredential_inFixedColumns() {
    String table =
        timeline().query(TimelineQuery.builder().credentialId("ASIA-ORDERS-1").build()).toTable();

    assertThat(table.lines().toList())
        .containsExactly(
            "  TIME                  EVENT        OUTCOME  ISSUED-AT             EXPIRES-AT"
                + "            DETAIL",
            "credential ASIA-ORDERS-1  source orders-s3  provider aws-irsa"
                + "  principal system:serviceaccount:shop:orders"
                + "  target arn:aws:iam::111122223333:role/orders  scope policy-sha256:4c1f",
            "  2026-01-01T00:00:00Z  ISSUED       SUCCESS  2026-01-01T00:00:00Z  2026-01-01T01:00:00Z",
            "  2026-01-01T00:40:00Z  RENEWED      SUCCESS  2026-01-01T00:00:00Z  2026-01-01T01:40:00Z",
            "  2026-01-01T00:50:00Z  SECRET_READ  SUCCESS  -                     -"
                + "                     path=secret/orders/db version=3",
            "  2026-01-01T01:20:00Z  REVOKED      SUCCESS  -                     -",
            "4 events of 1 life shown; read 8 events from 0 files, 0 lines skipped");
  }

  @Test
  void toTable_withAMoment_listsTheLiveCredentials() {
    String table = timeline().query(TimelineQuery.builder().at(minute(20)).build()).toTable();

    assertThat(table)
        .contains(
            "live at 2026-01-01T00:20:00Z: 2 credentials\n"
                + "CREDENTIAL     SOURCE         PRINCIPAL                           TARGET"
                + "                                 SCOPE               ISSUED-AT"
                + "             EXPIRES-AT\n"
                + "ASIA-ORDERS-1  orders-s3      system:serviceaccount:shop:orders"
                + "   arn:aws:iam::111122223333:role/orders  policy-sha256:4c1f"
                + "  2026-01-01T00:00:00Z  2026-01-01T01:00:00Z\n"
                + "hvs-billing-1  billing-vault  system:serviceaccount:shop:billing"
                + "  billing                                -"
                + "                   2026-01-01T00:10:00Z  2026-01-01T00:30:00Z\n")
        .endsWith("2 events of 2 lives shown; read 8 events from 0 files, 0 lines skipped\n");
  }

  @Test
  void toTable_whenNothingIsLive_saysSo() {
    assertThat(timeline().query(TimelineQuery.builder().at(minute(-130)).build()).toTable())
        .isEqualTo(
            "live at 2025-12-31T21:50:00Z: 0 credentials\n"
                + "0 events of 0 lives shown; read 8 events from 0 files, 0 lines skipped\n");
  }

  @Test
  void toJson_parsesBack_withLivesEventsAndTheLiveList() {
    String json = timeline().query(TimelineQuery.builder().at(minute(45)).build()).toJson();

    Map<String, Object> doc = Json.parseObject(json);
    assertThat(doc)
        .containsEntry("schema", "ephemera.timeline/v1")
        .containsEntry("query", Map.of("at", "2026-01-01T00:45:00Z"));
    List<Object> lives = Trails.list(doc, "lives");
    assertThat(lives).hasSize(1);
    Map<String, Object> life = Trails.map(lives.get(0));
    assertThat(life)
        .containsEntry("credentialId", "ASIA-ORDERS-1")
        .containsEntry("source", "orders-s3")
        .containsEntry("principal", "system:serviceaccount:shop:orders")
        .containsEntry("issuedAt", "2026-01-01T00:00:00Z")
        .containsEntry("expiresAt", "2026-01-01T01:40:00Z")
        .containsEntry("revokedAt", "2026-01-01T01:20:00Z");
    assertThat(Trails.list(life, "events"))
        .extracting(e -> Trails.map(e).get("type"))
        .containsExactly("ISSUED", "RENEWED");
    assertThat(Trails.list(doc, "live"))
        .containsExactly(
            Map.of(
                "credentialId", "ASIA-ORDERS-1",
                "source", "orders-s3",
                "principal", "system:serviceaccount:shop:orders",
                "target", "arn:aws:iam::111122223333:role/orders",
                "scope", "policy-sha256:4c1f",
                "issuedAt", "2026-01-01T00:00:00Z",
                "expiresAt", "2026-01-01T01:40:00Z"));
  }

  @Test
  void toJson_carriesErrorsAndAttributes_andQuotesStrings() {
    String json = timeline().query(TimelineQuery.builder().source("orders-s3").build()).toJson();

    Map<String, Object> doc = Json.parseObject(json);
    assertThat(doc).doesNotContainKey("live");
    List<Object> lives = Trails.list(doc, "lives");
    Map<String, Object> source = Trails.map(lives.get(2));
    assertThat(source).doesNotContainKey("credentialId").containsEntry("source", "orders-s3");
    Map<String, Object> failure = Trails.map(Trails.list(source, "events").get(0));
    assertThat(failure)
        .containsEntry("type", "REFRESH_FAILED")
        .containsEntry("outcome", "FAILURE")
        .containsEntry(
            "error",
            Map.of(
                "type", "CredentialUnavailableException",
                "reason", "THROTTLED",
                "terminal", false,
                "message", "slow"));
    Map<String, Object> read = Trails.map(Trails.list(lives.get(1), "events").get(2));
    assertThat(read)
        .containsEntry("attributes", Map.of("path", "secret/orders/db", "version", "3"));

    AuditEvent odd =
        Trails.at(AuditEventType.CLOSED, "a \"quoted\"\nsource", Trails.ORDERS, 1).build();
    Map<String, Object> parsed =
        Json.parseObject(AuditTimeline.of(List.of(odd)).query(TimelineQuery.all()).toJson());
    assertThat(Trails.list(parsed, "lives"))
        .extracting(l -> Trails.map(l).get("source"))
        .containsExactly("a \"quoted\"\nsource");
  }
}
