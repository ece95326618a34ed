package dev.ephemera.examples.demo;

import dev.ephemera.core.CredentialSource;
import dev.ephemera.testkit.RecordingAuditListener;
import dev.ephemera.testkit.emulator.FaultPlan;
import java.util.List;
import java.util.Optional;

/**
 * One backend's part of the demo: its emulators, its sources built from the environment a real pod
 * would get, and probes that use the credentials through the vendor SDK's own interface.
 */
interface Scenario extends AutoCloseable {

  /** A source to show in the status table. */
  record Watched(String label, CredentialSource<?> source) {}

  /** A call a workload makes through the vendor SDK adapter; throws when it gets no credential. */
  record Probe(String label, ThrowingRunnable call) {}

  /** A runnable that may throw. */
  @FunctionalInterface
  interface ThrowingRunnable {
    /** Runs. */
    void run() throws Exception;
  }

  /** {@code aws}, {@code gcp}, {@code azure} or {@code vault}. */
  String backend();

  /** Starts the emulators and the sources. */
  void start(DemoWorld world) throws Exception;

  /** The sources to watch. */
  List<Watched> watched();

  /** The calls the demo's workload makes. */
  List<Probe> probes();

  /**
   * The fault plans of every endpoint of this backend's upstream: an outage puts an outage window
   * (503 on the emulators' clock) on each of them.
   */
  List<FaultPlan> faultPlans();

  /** The endpoints an outage takes down, for the screen: "STS and the Pod Identity agent". */
  String endpoints();

  /**
   * What the upstream's own rules mean for an outage, where they limit what any client can ride out
   * (the GKE metadata server hands out tokens with only minutes left); empty where they do not.
   */
  default Optional<String> outageCaveat() {
    return Optional.empty();
  }

  /** What the audit stream must show for this backend's story; each miss is one line. */
  List<String> check(RecordingAuditListener audit);

  @Override
  void close();
}
