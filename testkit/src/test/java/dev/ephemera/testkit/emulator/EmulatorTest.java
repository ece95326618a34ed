package dev.ephemera.testkit.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ephemera.testkit.time.VirtualTime;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EmulatorTest {
  private final VirtualTime time = VirtualTime.create();

  /** Echoes the request and counts: enough protocol to see every fault. */
  private final EmulatedProtocol echo =
      new EmulatedProtocol() {
        @Override
        public EmulatedResponse handle(EmulatedRequest r) {
          return EmulatedResponse.json(
              200,
              "{\"method\":\""
                  + r.method()
                  + "\",\"path\":\""
                  + r.path()
                  + "\",\"a\":\""
                  + r.form().getOrDefault("a", "")
                  + "\"}");
        }

        @Override
        public EmulatedResponse error(int status, EmulatedRequest r) {
          return EmulatedResponse.json(status, "{\"error\":" + status + "}");
        }

        @Override
        public EmulatedResponse throttled(Duration retryAfter, EmulatedRequest r) {
          return EmulatedResponse.json(429, "{\"error\":\"throttled\"}")
              .withHeader("Retry-After", Long.toString(retryAfter.toSeconds()));
        }

        @Override
        public EmulatedResponse expiredCredential(EmulatedRequest r) {
          return EmulatedResponse.json(200, "{\"expired\":true}");
        }
      };

  private final Emulator emulator = Emulator.builder("echo", echo).clock(time.clock()).start();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @AfterEach
  void stop() {
    emulator.close();
  }

  private HttpResponse<String> post(String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(emulator.baseUrl() + "/token?x=1"))
            .timeout(Duration.ofSeconds(5))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void normalRequests_reachTheProtocol_andAreJournaled() throws Exception {
    HttpResponse<String> r = post("a=b%20c");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"a\":\"b c\"");
    JournalEntry e = emulator.journal().entries().get(0);
    assertThat(e.request().path()).isEqualTo("/token");
    assertThat(e.request().queryParam("x")).contains("1");
    assertThat(e.request().header("Content-Type")).isPresent();
    assertThat(e.time()).isEqualTo(time.now());
    assertThat(e.succeeded()).isTrue();
    assertThat(emulator.journal().count("POST", "/tok")).isEqualTo(1);
    assertThat(emulator.baseUrl()).startsWith("http://127.0.0.1:");
  }

  @Test
  void oneShotFaults_areUsedInOrder_thenNormalServiceResumes() throws Exception {
    emulator.faults().next(Fault.status(503)).next(Fault.throttle(Duration.ofSeconds(7)));
    emulator.faults().next(Fault.malformedBody()).next(Fault.truncatedBody());
    emulator.faults().next(Fault.expiredCredential());
    assertThat(post("").statusCode()).isEqualTo(503);
    HttpResponse<String> throttled = post("");
    assertThat(throttled.statusCode()).isEqualTo(429);
    assertThat(throttled.headers().firstValue("Retry-After")).contains("7");
    assertThat(post("").body()).startsWith("<<not the expected format>>");
    String truncated = post("a=1").body();
    assertThat(truncated).isNotEmpty().doesNotEndWith("}");
    assertThat(post("").body()).contains("expired");
    assertThat(post("").statusCode()).isEqualTo(200);
    assertThat(emulator.journal().count(e -> e.appliedFault().isPresent())).isEqualTo(5);
  }

  @Test
  void hugeBody_padsTheNormalBody_pastEveryBoundedReader() throws Exception {
    emulator.faults().next(Fault.hugeBody());
    HttpResponse<String> huge = post("a=1");
    assertThat(huge.statusCode()).isEqualTo(200);
    assertThat(huge.body()).startsWith("{").contains("\"a\":\"1\"");
    assertThat(huge.body().length()).isGreaterThan(Fault.HUGE_BODY_PADDING);
    assertThat(huge.body().strip()).endsWith("}");
    assertThat(emulator.journal().entries().get(0).appliedFault().map(Fault::kind))
        .contains(Fault.Kind.HUGE_BODY);
    assertThat(post("a=1").body().length()).isLessThan(100);
  }

  @Test
  void connectionReset_failsTheClient() {
    emulator.faults().next(Fault.connectionReset());
    assertThatThrownBy(() -> post("")).isInstanceOf(IOException.class);
    assertThat(emulator.journal().entries().get(0).status()).isZero();
  }

  @Test
  void latency_delaysTheResponse_pastAClientTimeout() {
    emulator.faults().next(Fault.latency(Duration.ofMillis(1500)));
    assertThatThrownBy(
            () ->
                http.send(
                    HttpRequest.newBuilder(URI.create(emulator.baseUrl() + "/slow"))
                        .timeout(Duration.ofMillis(300))
                        .build(),
                    HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(HttpTimeoutException.class);
  }

  @Test
  void outageWindow_followsTheEmulatorsClock() throws Exception {
    emulator
        .faults()
        .outage(time.now().plusSeconds(60), time.now().plusSeconds(120), Fault.status(500));
    assertThat(post("").statusCode()).isEqualTo(200);
    time.advance(Duration.ofSeconds(60));
    assertThat(post("").statusCode()).isEqualTo(500);
    time.advance(Duration.ofSeconds(60));
    assertThat(post("").statusCode()).isEqualTo(200);
  }

  @Test
  void standingFault_holdsUntilCleared() throws Exception {
    emulator.faults().always(Fault.status(502));
    assertThat(post("").statusCode()).isEqualTo(502);
    assertThat(post("").statusCode()).isEqualTo(502);
    emulator.faults().clear();
    assertThat(post("").statusCode()).isEqualTo(200);
  }

  @Test
  void faultsCanTargetMatchingRequestsOnly() throws Exception {
    emulator.faults().nextMatching(1, Fault.status(500), r -> r.form().containsKey("renew"));
    assertThat(post("a=1").statusCode()).isEqualTo(200);
    assertThat(post("renew=1").statusCode()).isEqualTo(500);
  }

  @Test
  void https_servesWithTheLoopbackCertificate_trustedOnlyThroughLoopbackTls() throws Exception {
    try (Emulator secure =
        Emulator.builder("secure", echo).clock(time.clock()).https(true).start()) {
      assertThat(secure.baseUrl()).startsWith("https://127.0.0.1:");
      HttpClient trusting = HttpClient.newBuilder().sslContext(LoopbackTls.sslContext()).build();
      HttpResponse<String> r =
          trusting.send(
              HttpRequest.newBuilder(URI.create(secure.baseUrl() + "/x")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThatThrownBy(
              () ->
                  HttpClient.newHttpClient()
                      .send(
                          HttpRequest.newBuilder(URI.create(secure.baseUrl() + "/x")).build(),
                          HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(IOException.class);
      assertThat(LoopbackTls.certificate().getSubjectX500Principal().getName())
          .contains("localhost");
    }
  }

  @Test
  void inFlight_countsOverlappingRequestsPerKey_andNotRequestsInTurn() throws Exception {
    InFlight perKey =
        emulator.journal().trackInFlight(r -> java.util.Optional.ofNullable(r.form().get("a")));
    post("a=one");
    post("a=one");
    post("a=two");
    post("x=unkeyed");
    assertThat(perKey.maxPerKey()).as("requests in turn").isEqualTo(1);
    assertThat(perKey.overlaps()).isZero();
    assertThat(perKey.tracked()).isEqualTo(3);
    assertThat(perKey.keys()).isEqualTo(2);

    // One request of key "one" is held inside the emulator while a second of the same key and one
    // of another key arrive: only key "one" overlaps.
    Gate gate = Gate.closed();
    emulator.faults().nextMatching(1, Fault.hold(gate), r -> "one".equals(r.form().get("a")));
    var held = java.util.concurrent.CompletableFuture.supplyAsync(() -> postUnchecked("a=one"));
    assertThat(gate.awaitArrival(Duration.ofSeconds(5))).isTrue();
    post("a=two");
    post("a=one");
    assertThat(perKey.awaitIdle(Duration.ofMillis(50))).as("one request is held").isFalse();
    gate.open();
    assertThat(perKey.awaitIdle(Duration.ofSeconds(5))).isTrue();
    assertThat(held.get(5, java.util.concurrent.TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    assertThat(perKey.maxPerKey()).isEqualTo(2);
    assertThat(perKey.overlaps()).isEqualTo(1);
    assertThat(perKey.overlappingKeys()).containsExactly("one");
  }

  @Test
  void inFlight_countsALatencyFaultUntilItsDelayedAnswerLeaves() throws Exception {
    InFlight perKey =
        emulator.journal().trackInFlight(r -> java.util.Optional.ofNullable(r.form().get("a")));
    emulator.faults().next(Fault.latency(Duration.ofSeconds(2)));
    // The delayed answer for "one" is still waiting when another request of "one" arrives.
    var slow = java.util.concurrent.CompletableFuture.supplyAsync(() -> postUnchecked("a=one"));
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (perKey.tracked() == 0 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    post("a=one");
    assertThat(perKey.awaitIdle(Duration.ofSeconds(5)))
        .as("idle once the delayed answer left")
        .isTrue();
    assertThat(slow.get(5, java.util.concurrent.TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    assertThat(perKey.maxPerKey()).isEqualTo(2);
    assertThat(perKey.toString()).contains("maxPerKey=2");
  }

  private HttpResponse<String> postUnchecked(String body) {
    try {
      return post(body);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void hold_keepsTheAnswerUntilTheGateOpens_thenAnswersNormally() throws Exception {
    Gate gate = Gate.closed();
    emulator.faults().next(Fault.hold(gate));
    var pending =
        http.sendAsync(
            HttpRequest.newBuilder(URI.create(emulator.baseUrl() + "/held"))
                .timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString("a=1"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(gate.awaitArrival(Duration.ofSeconds(10))).isTrue();
    assertThat(gate.arrivals()).isEqualTo(1);
    assertThat(gate.holdingThreads()).hasSize(1);
    assertThat(pending).as("no answer while the gate is closed").isNotDone();
    assertThat(emulator.journal().size()).as("journaled when answered").isZero();

    gate.open();
    HttpResponse<String> r = pending.get(20, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"a\":\"1\"");
    assertThat(gate.expiredHolds()).isZero();
    assertThat(gate.holdingThreads()).isEmpty();
    assertThat(emulator.journal().entries().get(0).appliedFault().map(Fault::kind))
        .contains(Fault.Kind.HOLD);
    assertThat(post("").statusCode()).as("one-shot: the next request is not held").isEqualTo(200);
  }

  @Test
  void hold_onAnOpenGate_answersAtOnce_andAGateNobodyOpensLetsGoAfterItsMaxHold() throws Exception {
    Gate open = Gate.closed();
    open.open();
    emulator.faults().next(Fault.hold(open));
    assertThat(post("").statusCode()).isEqualTo(200);
    assertThat(open.arrivals()).isEqualTo(1);

    Gate forgotten = Gate.closed(Duration.ofMillis(50));
    emulator.faults().next(Fault.hold(forgotten));
    assertThat(post("").statusCode()).isEqualTo(200);
    assertThat(forgotten.expiredHolds()).isEqualTo(1);
    assertThatThrownBy(() -> Gate.closed(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void faultFactories_validate() {
    assertThatThrownBy(() -> Fault.status(200)).isInstanceOf(IllegalArgumentException.class);
    assertThat(Fault.throttle(Duration.ofSeconds(3)).toString()).isEqualTo("throttle(PT3S)");
    assertThat(Fault.connectionReset().kind()).isEqualTo(Fault.Kind.CONNECTION_RESET);
  }
}
