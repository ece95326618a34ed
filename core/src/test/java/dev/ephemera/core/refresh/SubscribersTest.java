package dev.ephemera.core.refresh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ephemera.core.BearerToken;
import dev.ephemera.core.Subscription;
import dev.ephemera.core.audit.AuditHost;
import dev.ephemera.core.testing.ManualTime;
import dev.ephemera.core.testing.RecordingListener;
import dev.ephemera.core.testing.ScriptedIssuer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SubscribersTest {
  private final ManualTime time = new ManualTime();
  private final RecordingListener recorder = new RecordingListener();
  private final ScriptedIssuer issuer = new ScriptedIssuer(time.clock());
  private final Subscribers<BearerToken> subscribers =
      new Subscribers<>(
          new SourceAudit(
              "src",
              issuer,
              time.clock(),
              AuditHost.local(),
              time.scheduler(),
              List.of(recorder),
              100));

  @Test
  void everySubscriberIsTold_inOrder_evenAfterOneThrows_andTheFailureIsAudited() {
    List<String> told = new ArrayList<>();
    subscribers.add(c -> told.add("first " + c.id()));
    subscribers.add(
        c -> {
          throw new IllegalStateException("a broken pool");
        });
    subscribers.add(c -> told.add("third " + c.id()));
    subscribers.tell(issuer.issue());
    assertThat(told).containsExactly("first fake-1", "third fake-1");
    assertThat(recorder.matching(e -> "subscriber-failed".equals(e.attributes().get("anomaly"))))
        .singleElement()
        .satisfies(e -> assertThat(e.credentialId()).contains("fake-1"));
  }

  @Test
  void aClosedSubscription_orAClear_stopsTheTelling() {
    List<String> told = new ArrayList<>();
    Subscription sub = subscribers.add(c -> told.add(c.id()));
    subscribers.tell(issuer.issue());
    sub.close();
    subscribers.tell(issuer.issue());
    subscribers.add(c -> told.add(c.id()));
    subscribers.clear();
    subscribers.tell(issuer.issue());
    assertThat(told).containsExactly("fake-1");
  }
}
