package dev.ephemera.testkit.threads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ephemera.testkit.emulator.EmulatedProtocol;
import dev.ephemera.testkit.emulator.EmulatedRequest;
import dev.ephemera.testkit.emulator.EmulatedResponse;
import dev.ephemera.testkit.emulator.Emulator;
import dev.ephemera.testkit.emulator.Fault;
import dev.ephemera.testkit.emulator.Gate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

/**
 * The probe against clients planted in this package (which counts as ours): one that holds a
 * monitor across its upstream call, one that holds a lock, one that blocks in a class initializer.
 */
class BlockingProbeTest {
  private static volatile @Nullable Emulator plantedUpstream;
  private final Emulator upstream = Emulator.builder("upstream", new Ok()).start();
  private final Gate gate = Gate.closed();
  private final BlockingProbe probe = BlockingProbe.forEphemera();

  @AfterEach
  void stop() {
    gate.open();
    upstream.close();
  }

  @Test
  void monitors_aSynchronizedUpstreamCall_isReportedAsOurs_andFails() throws Exception {
    upstream.faults().next(Fault.hold(gate));
    MonitorReport report =
        probe.monitorsWhileBlocked(gate, () -> new MonitorClient(upstream).call());

    assertThat(report.ours())
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.frameClass()).isEqualTo(MonitorClient.class.getName());
              assertThat(m.method()).isEqualTo("call");
              assertThat(m.monitorClass()).isEqualTo(MonitorClient.class.getName());
              assertThat(m.thread()).isEqualTo("ephemera-probe-monitors");
            });
    assertThat(report.inspected()).anyMatch(t -> t.startsWith("ephemera-probe-monitors"));
    assertThatThrownBy(report::assertNoneOurs)
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining(MonitorClient.class.getName() + ".call")
        .hasMessageContaining("holds a monitor of " + MonitorClient.class.getName());
  }

  @Test
  void monitors_aLockedUpstreamCall_holdsNoMonitor() throws Exception {
    upstream.faults().next(Fault.hold(gate));
    MonitorReport report = probe.monitorsWhileBlocked(gate, () -> new LockClient(upstream).call());
    assertThat(report.ours()).isEmpty();
    report.assertNoneOurs();
  }

  @Test
  void monitors_ofCodeOutsideTheOwnPackages_areReportedAsVendor_notFailed() throws Exception {
    upstream.faults().next(Fault.hold(gate));
    MonitorReport report =
        BlockingProbe.forPackages("com.example.")
            .monitorsWhileBlocked(gate, () -> new MonitorClient(upstream).call());
    assertThat(report.ours()).isEmpty();
    assertThat(report.vendor())
        .anySatisfy(m -> assertThat(m.frameClass()).isEqualTo(MonitorClient.class.getName()));
  }

  @Test
  void monitors_takenByTheTestsOwnAction_areNotOurs() throws Exception {
    upstream.faults().next(Fault.hold(gate));
    Object mine = new Object();
    MonitorReport report =
        probe.monitorsWhileBlocked(
            gate,
            () -> {
              synchronized (mine) {
                new LockClient(upstream).call();
              }
            });
    assertThat(report.ours()).isEmpty();
    assertThat(report.vendor())
        .anySatisfy(m -> assertThat(m.monitorClass()).isEqualTo("java.lang.Object"));
  }

  @Test
  void monitors_anActionThatSendsNothingToTheGate_fails() {
    assertThatThrownBy(() -> probe.monitorsWhileBlocked(gate, () -> {}))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("without sending a request");
  }

  @Test
  void monitors_aFailingAction_fails() {
    upstream.faults().next(Fault.hold(gate));
    assertThatThrownBy(
            () ->
                probe.monitorsWhileBlocked(
                    gate,
                    () -> {
                      new LockClient(upstream).call();
                      throw new IllegalStateException("boom");
                    }))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("boom");
  }

  @Test
  void forPackages_needsAPrefix() {
    assertThatThrownBy(BlockingProbe::forPackages).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> probe.timeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void harness_isTheProbeAndTheActionAboveIt() {
    assertThat(Harness.hostOf("a.B$$Lambda/0x0000000800c0b000")).isEqualTo("a.B");
    assertThat(Harness.hostOf("a.B$$Lambda$14/0x0000000800c0b000")).isEqualTo("a.B");
    assertThat(Harness.hostOf("a.B$1")).isEqualTo("a.B$1");
  }

  @Test
  @EnabledForJreRange(min = JRE.JAVA_21)
  void pinning_aClassInitializerBlockedOnUpstream_isReportedAsOurs_andFails() throws Exception {
    upstream.faults().next(Fault.hold(gate));
    plantedUpstream = upstream; // not PlantedInit's own field: writing it would run its initializer
    PinningReport report = probe.pinningOnVirtualThread(gate, PlantedInit::touch);

    assertThat(report.ours())
        .isNotEmpty()
        .allSatisfy(
            p -> {
              assertThat(p.probed()).isTrue();
              assertThat(p.frames()).anyMatch(f -> f.startsWith(PlantedInit.class.getName()));
              assertThat(p.ownFrame()).startsWith(BlockingProbeTest.class.getName() + ".get");
            });
    assertThatThrownBy(report::assertNoneOurs)
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("pinned under library code")
        .hasMessageContaining("under " + BlockingProbeTest.class.getName() + ".get");
  }

  @Test
  @EnabledForJreRange(min = JRE.JAVA_21)
  void pinning_aLockedUpstreamCall_pinsNothing() throws Exception {
    upstream.faults().next(Fault.hold(gate));
    PinningReport report =
        probe.pinningOnVirtualThread(gate, () -> new LockClient(upstream).call());
    assertThat(report.ours()).isEmpty();
    report.assertNoneOurs();
  }

  @Test
  @EnabledForJreRange(min = JRE.JAVA_21)
  void pinning_aSynchronizedUpstreamCall_pinsBeforeJdk24Only() throws Exception {
    // JEP 491: from JDK 24 a virtual thread parks inside synchronized without pinning; only the
    // monitor check still sees it there.
    upstream.faults().next(Fault.hold(gate));
    PinningReport report =
        probe.pinningOnVirtualThread(gate, () -> new MonitorClient(upstream).call());
    if (Runtime.version().feature() < 24) {
      assertThat(report.ours()).isNotEmpty();
    } else {
      assertThat(report.ours()).isEmpty();
    }
  }

  @Test
  @EnabledForJreRange(max = JRE.JAVA_20)
  void pinning_below21_isUnsupported() {
    assertThat(BlockingProbe.virtualThreadsAvailable()).isFalse();
    assertThatThrownBy(() -> probe.pinningOnVirtualThread(() -> {}))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  // ---------------------------------------------------------------- planted clients

  private static String get(Emulator upstream) {
    try {
      return HttpClient.newHttpClient()
          .send(
              HttpRequest.newBuilder(URI.create(upstream.baseUrl() + "/token"))
                  .timeout(Duration.ofSeconds(20))
                  .build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The defect: a monitor held across the upstream call. */
  static final class MonitorClient {
    private final Emulator upstream;

    MonitorClient(Emulator upstream) {
      this.upstream = upstream;
    }

    synchronized String call() {
      return get(upstream);
    }
  }

  /** The fix: a lock, which a virtual thread may park holding. */
  static final class LockClient {
    private final Emulator upstream;
    private final ReentrantLock lock = new ReentrantLock();

    LockClient(Emulator upstream) {
      this.upstream = upstream;
    }

    String call() {
      lock.lock();
      try {
        return get(upstream);
      } finally {
        lock.unlock();
      }
    }
  }

  /** A defect that pins on every JDK: upstream I/O inside a class initializer. */
  static final class PlantedInit {
    static final String TOKEN = get(Objects.requireNonNull(plantedUpstream, "plantedUpstream"));

    static void touch() {
      assertThat(TOKEN).isEqualTo("ok");
    }
  }

  private static final class Ok implements EmulatedProtocol {
    @Override
    public EmulatedResponse handle(EmulatedRequest request) {
      return EmulatedResponse.text(200, "ok");
    }

    @Override
    public EmulatedResponse error(int status, EmulatedRequest request) {
      return EmulatedResponse.text(status, "error");
    }

    @Override
    public EmulatedResponse throttled(Duration retryAfter, EmulatedRequest request) {
      return EmulatedResponse.text(429, "slow down");
    }

    @Override
    public EmulatedResponse expiredCredential(EmulatedRequest request) {
      return EmulatedResponse.text(200, "expired");
    }
  }
}
