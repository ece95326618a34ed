package dev.ephemera.core.audit.timeline;

import static dev.ephemera.core.audit.timeline.Trails.minute;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ephemera.core.audit.AuditEvent;
import dev.ephemera.core.audit.AuditEventType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditTimelineTest {
  @SuppressWarnings("NullAway.Init")
  @TempDir
  Path dir;

  private AuditTimeline plain() throws IOException {
    List<AuditEvent> all = new ArrayList<>(Trails.orders());
    all.addAll(Trails.billing());
    return AuditTimeline.read(List.of(Trails.jsonLines(dir.resolve("audit.jsonl"), all)));
  }

  private static List<String> ids(TimelineResult result) {
    return result.lives().stream()
        .map(l -> l.credentialId().orElse("source " + l.source()))
        .toList();
  }

  private static TimelineResult at(AuditTimeline timeline, long minute) {
    return timeline.query(TimelineQuery.builder().at(minute(minute)).build());
  }

  @Test
  void read_aCredentialsWholeLife_inOrder_withItsSummary() throws IOException {
    AuditTimeline timeline = plain();

    assertThat(timeline.events()).isEqualTo(8);
    assertThat(timeline.files()).isEqualTo(1);
    assertThat(timeline.skippedLines()).isZero();
    CredentialLife life =
        timeline
            .query(TimelineQuery.builder().credentialId("ASIA-ORDERS-1").build())
            .lives()
            .get(0);
    assertThat(life.events())
        .extracting(TimelineEvent::type)
        .containsExactly(
            AuditEventType.ISSUED,
            AuditEventType.RENEWED,
            AuditEventType.SECRET_READ,
            AuditEventType.REVOKED);
    assertThat(life.source()).isEqualTo("orders-s3");
    assertThat(life.provider()).isEqualTo("aws-irsa");
    assertThat(life.principal()).isEqualTo("system:serviceaccount:shop:orders");
    assertThat(life.target()).isEqualTo("arn:aws:iam::111122223333:role/orders");
    assertThat(life.scope()).isEqualTo("policy-sha256:4c1f");
    assertThat(life.issuedAt()).contains(minute(0));
    assertThat(life.expiresAt()).contains(minute(100));
    assertThat(life.expiresAtAsOf(minute(30))).contains(minute(60));
    assertThat(life.revokedAt()).contains(minute(80));
    assertThat(life.expiredAt()).isEmpty();
    assertThat(life.events().get(2).detail()).isEqualTo("path=secret/orders/db version=3");
  }

  @Test
  void read_eventsNamingNoCredential_attachToTheirSource() throws IOException {
    AuditTimeline timeline = plain();

    assertThat(timeline.lives())
        .extracting(l -> l.credentialId().orElse("source " + l.source()))
        .containsExactly("ASIA-ORDERS-0", "ASIA-ORDERS-1", "hvs-billing-1", "source orders-s3");
    CredentialLife source = timeline.lives().get(3);
    assertThat(source.events())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.type()).isEqualTo(AuditEventType.REFRESH_FAILED);
              assertThat(e.detail()).isEqualTo("THROTTLED CredentialUnavailableException");
            });
    assertThat(source.liveAt(minute(70))).isFalse();
  }

  @Test
  void at_beforeIssue_duringLife_afterRevoke_afterExpiry() throws IOException {
    AuditTimeline timeline = plain();

    assertThat(ids(at(timeline, -130))).isEmpty(); // before anything was issued
    assertThat(ids(at(timeline, -90))).containsExactly("ASIA-ORDERS-0");
    assertThat(ids(at(timeline, -60))).isEmpty(); // expiresAt is not after the moment
    assertThat(ids(at(timeline, 0))).containsExactly("ASIA-ORDERS-1"); // issued at the moment
    assertThat(ids(at(timeline, 20))).containsExactly("ASIA-ORDERS-1", "hvs-billing-1");
    assertThat(ids(at(timeline, 29))).containsExactly("ASIA-ORDERS-1"); // EXPIRED at 29
    assertThat(ids(at(timeline, 70))).containsExactly("ASIA-ORDERS-1"); // renewed past 60
    assertThat(ids(at(timeline, 80))).isEmpty(); // revoked at 80
    assertThat(ids(at(timeline, 90))).isEmpty(); // expiresAt 100, but revoked
  }

  @Test
  void at_keepsTheLiveCredentialsEventsUpToTheMoment() throws IOException {
    TimelineResult result = at(plain(), 45);

    assertThat(result.lives())
        .singleElement()
        .satisfies(
            life -> {
              assertThat(life.events())
                  .extracting(TimelineEvent::type)
                  .containsExactly(AuditEventType.ISSUED, AuditEventType.RENEWED);
              assertThat(life.expiresAtAsOf(minute(45))).contains(minute(100));
            });
  }

  @Test
  void filters_matchExactly() throws IOException {
    AuditTimeline timeline = plain();

    assertThat(ids(timeline.query(TimelineQuery.builder().credentialId("hvs-billing-1").build())))
        .containsExactly("hvs-billing-1");
    assertThat(ids(timeline.query(TimelineQuery.builder().credentialId("hvs-billing").build())))
        .isEmpty();
    assertThat(
            ids(
                timeline.query(
                    TimelineQuery.builder()
                        .principal("system:serviceaccount:shop:orders")
                        .build())))
        .containsExactly("ASIA-ORDERS-0", "ASIA-ORDERS-1", "source orders-s3");
    assertThat(
            ids(
                timeline.query(
                    TimelineQuery.builder().principal("system:serviceaccount:shop").build())))
        .isEmpty();
    assertThat(ids(timeline.query(TimelineQuery.builder().target("billing").build())))
        .containsExactly("hvs-billing-1");
    assertThat(ids(timeline.query(TimelineQuery.builder().source("orders-s3").build())))
        .containsExactly("ASIA-ORDERS-0", "ASIA-ORDERS-1", "source orders-s3");
    assertThat(ids(timeline.query(TimelineQuery.builder().source("ORDERS-S3").build()))).isEmpty();
    assertThat(
            ids(
                timeline.query(
                    TimelineQuery.builder().source("orders-s3").target("billing").build())))
        .isEmpty();
  }

  @Test
  void window_keepsEventsFromInclusiveToExclusive() throws IOException {
    AuditTimeline timeline = plain();

    TimelineResult result =
        timeline.query(TimelineQuery.builder().from(minute(40)).to(minute(80)).build());

    assertThat(ids(result)).containsExactly("ASIA-ORDERS-1", "source orders-s3");
    assertThat(result.lives().get(0).events())
        .extracting(TimelineEvent::type)
        .containsExactly(AuditEventType.RENEWED, AuditEventType.SECRET_READ);
    assertThat(result.lives().get(0).revokedAt()).contains(minute(80)); // the summary is whole
    assertThat(result.eventsShown()).isEqualTo(3);
    assertThat(ids(timeline.query(TimelineQuery.builder().from(minute(81)).build()))).isEmpty();
    assertThat(ids(timeline.query(TimelineQuery.builder().to(minute(0)).build())))
        .containsExactly("ASIA-ORDERS-0");
  }

  @Test
  void query_refusesAMomentWithAWindow_andAnInvertedWindow() {
    assertThatThrownBy(() -> TimelineQuery.builder().at(minute(1)).from(minute(0)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at excludes a window");
    assertThatThrownBy(() -> TimelineQuery.builder().from(minute(2)).to(minute(1)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is after to");
  }

  @Test
  void read_mixedPlainAndChainFiles_inADirectory() throws IOException {
    Path trails = Files.createDirectory(dir.resolve("trails"));
    Trails.jsonLines(trails.resolve("orders.jsonl"), Trails.orders());
    Trails.chain(trails.resolve("billing.chain.jsonl"), Trails.billing());

    AuditTimeline timeline = AuditTimeline.read(List.of(trails));

    assertThat(timeline.files()).isEqualTo(2);
    assertThat(timeline.events()).isEqualTo(8);
    assertThat(timeline.skippedLines()).isZero(); // EPOCH and CHECKPOINT entries are not events
    CredentialLife billing =
        timeline.query(TimelineQuery.builder().source("billing-vault").build()).lives().get(0);
    String fingerprint = billing.credentialId().orElseThrow();
    assertThat(fingerprint).startsWith("hmac-sha256:").doesNotContain("hvs-billing-1");
    assertThat(billing.events())
        .extracting(TimelineEvent::type)
        .containsExactly(AuditEventType.ISSUED, AuditEventType.EXPIRED);
    assertThat(ids(timeline.query(TimelineQuery.builder().credentialId(fingerprint).build())))
        .containsExactly(fingerprint);
    assertThat(ids(at(timeline, 20))).containsExactly("ASIA-ORDERS-1", fingerprint);
  }

  @Test
  void read_skipsAndCountsMalformedAndOverlongLines() throws IOException {
    Path file = Trails.jsonLines(dir.resolve("audit.jsonl"), Trails.orders());
    Files.writeString(
        file,
        "{not json\n"
            + "{\"type\":\""
            + "x".repeat(70_000)
            + "\"}\n"
            + "{\"type\":\"ISSUED\",\"outcome\":\"SUCCESS\",\"time\":\"yesterday\"}\n"
            + "{\"type\":\"NO_SUCH_TYPE\",\"outcome\":\"SUCCESS\",\"time\":\"2026-01-01T00:00:00Z\"}\n"
            + "\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.APPEND);

    AuditTimeline timeline = AuditTimeline.read(List.of(file));

    assertThat(timeline.skippedLines()).isEqualTo(4);
    assertThat(timeline.events()).isEqualTo(6);
  }

  @Test
  void read_aMissingFile_throws() {
    assertThatThrownBy(() -> AuditTimeline.read(List.of(dir.resolve("missing.jsonl"))))
        .isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void of_buildsTheSameTimelineFromEventsInMemory() throws IOException {
    List<AuditEvent> all = new ArrayList<>(Trails.billing());
    all.addAll(Trails.orders()); // out of order: sorted by time
    AuditTimeline timeline = AuditTimeline.of(all);

    assertThat(ids(timeline.query(TimelineQuery.all())))
        .containsExactly("ASIA-ORDERS-0", "ASIA-ORDERS-1", "hvs-billing-1", "source orders-s3");
    assertThat(timeline.query(TimelineQuery.all()).toJson())
        .isEqualTo(
            plain().query(TimelineQuery.all()).toJson().replace("\"files\":1", "\"files\":0"));
  }
}
