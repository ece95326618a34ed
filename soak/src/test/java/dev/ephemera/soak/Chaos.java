package dev.ephemera.soak;

import dev.ephemera.testkit.emulator.Fault;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The soak's random faults, drawn from one seeded generator: outage windows and one-shot faults on
 * every upstream, in the shared fault vocabulary, and token-file faults on random pods (missing,
 * expired, garbage, rotated), each broken file restored later as a kubelet would. {@link #stop()}
 * ends them all.
 */
final class Chaos {
  /** A token-file fault, restored at {@code restoreAt} (minutes of the soak). */
  private record Broken(Fleet.Pod pod, long restoreAt) {}

  /** What token files went through. */
  enum FileFault {
    MISSING,
    EXPIRED,
    GARBAGE,
    ROTATED
  }

  private final Fleet fleet;
  private final SplittableRandom random;
  private final List<Broken> broken = new ArrayList<>();
  private final Map<Fault.Kind, Long> planned = new EnumMap<>(Fault.Kind.class);
  private final Map<FileFault, Long> fileFaults = new EnumMap<>(FileFault.class);
  private long outages;

  Chaos(Fleet fleet, long seed) {
    this.fleet = fleet;
    this.random = new SplittableRandom(seed);
  }

  /** Plans this minute's faults; {@code minute} counts from the soak's start. */
  void tick(long minute) {
    restoreDue(minute);
    int pods = fleet.pods.size();
    for (Fleet.Upstream u : fleet.upstreams) {
      // About one outage an upstream every four hours, 2 to 30 minutes long.
      if (random.nextInt(240) == 0) {
        Fault f = randomFault();
        while (f.kind() == Fault.Kind.HUGE_BODY) {
          f = randomFault(); // one huge body is a test; a window of them is only slow
        }
        u.faults().outageFor(Duration.ofMinutes(2 + random.nextInt(29)), f);
        outages++;
        count(f);
      }
      // About one late answer (past every client's read timeout) an upstream every four hours:
      // each costs real time, so they are rarer than the rest.
      if (random.nextInt(240) == 0) {
        Fault f = Fault.latency(Fleet.LATE);
        u.faults().next(f);
        count(f);
      }
      // One-shot faults for whoever asks next: about one request in five. A pod calls each
      // upstream about once in five hours and a fifth of the pods use it, so it sees about
      // pods / 1500 requests a minute.
      for (int i = draws(pods / 7500.0); i > 0; i--) {
        Fault f = randomFault();
        u.faults().next(f);
        count(f);
      }
    }
    // Token files: about one pod in 3,000 a minute loses its file, gets an expired or garbage one,
    // or sees a rotation.
    int files = draws(pods / 3000.0);
    for (int i = 0; i < files; i++) {
      Fleet.Pod pod = fleet.pods.get(random.nextInt(pods));
      FileFault kind = FileFault.values()[random.nextInt(FileFault.values().length)];
      fileFaults.merge(kind, 1L, Long::sum);
      switch (kind) {
        case MISSING -> pod.token().delete();
        case EXPIRED ->
            pod.token()
                .write(
                    fleet.oidc.mint(pod.token().account(), pod.audience(), Duration.ofSeconds(1)));
        case GARBAGE -> pod.token().write("not a token");
        case ROTATED -> pod.token().rotate();
      }
      if (kind != FileFault.ROTATED) {
        broken.add(new Broken(pod, minute + 10 + random.nextInt(110)));
      }
    }
  }

  /** Ends every fault: clears every upstream's plan and restores every broken token file. */
  void stop() {
    fleet.upstreams.forEach(u -> u.faults().clear());
    broken.forEach(b -> b.pod().token().rotate());
    broken.clear();
  }

  private void restoreDue(long minute) {
    for (Iterator<Broken> it = broken.iterator(); it.hasNext(); ) {
      Broken b = it.next();
      if (b.restoreAt() <= minute) {
        b.pod().token().rotate();
        it.remove();
      }
    }
  }

  /** How many events of a given mean happen this minute: its whole part, plus one by chance. */
  private int draws(double mean) {
    int whole = (int) mean;
    return whole + (random.nextDouble() < mean - whole ? 1 : 0);
  }

  private Fault randomFault() {
    return switch (random.nextInt(14)) {
      case 0 -> Fault.status(500);
      case 1 -> Fault.status(502);
      case 2 -> Fault.status(503);
      case 3 -> Fault.status(403);
      case 4 -> Fault.throttle(Duration.ofSeconds(1 + random.nextInt(300)));
      case 5 -> Fault.throttle(random.nextBoolean() ? "soon" : "99999999999999999");
      case 6 -> Fault.connectionReset();
      case 7 -> Fault.malformedBody();
      case 8 -> Fault.truncatedBody();
      case 9 -> Fault.expiredCredential();
      case 10 -> Fault.latency(Duration.ofMillis(5 + random.nextInt(25)));
      case 11 -> Fault.status(504);
      case 12 -> Fault.hugeBody();
      default -> Fault.status(429);
    };
  }

  private void count(Fault f) {
    planned.merge(f.kind(), 1L, Long::sum);
  }

  Map<Fault.Kind, Long> planned() {
    return planned;
  }

  Map<FileFault, Long> fileFaults() {
    return fileFaults;
  }

  long outages() {
    return outages;
  }
}
