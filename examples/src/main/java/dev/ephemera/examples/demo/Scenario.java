package dev.ephemera.examples.demo;

import dev.ephemera.core.CredentialSource;
import dev.ephemera.testkit.RecordingAuditListener;
import java.util.List;

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

  /** Starts or ends an upstream outage (every credential endpoint answers 503). */
  void outage(boolean down);

  /** What the audit stream must show for this backend's story; each miss is one line. */
  List<String> check(RecordingAuditListener audit);

  @Override
  void close();
}
