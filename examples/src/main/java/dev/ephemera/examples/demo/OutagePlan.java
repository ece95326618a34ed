package dev.ephemera.examples.demo;

import dev.ephemera.core.SourceStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * When the upstream outage happens and which backends it takes down.
 *
 * <p>The window is the shortest one that holds a scheduled refresh (or renewal) of every backend,
 * widened by a lead before it and a tail after it (so a retry fails too). A backend joins only if
 * every one of its sources can ride the window out: a source that refreshes inside it must hold a
 * credential that is served past the window's end with room for a retry. A backend that cannot (its
 * upstream handed out a credential with only minutes left) is spared, with the reason on screen.
 *
 * @param from the first moment every endpoint of {@link #down} answers 503 (when none goes down:
 *     the moment of planning)
 * @param until the end of the outage (exclusive): planned, then as it happened
 * @param down the backends taken down
 * @param spared backends left up, each with the reason
 */
record OutagePlan(Instant from, Instant until, List<String> down, Map<String, String> spared) {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

  /** True when some backend goes down. */
  boolean happens() {
    return !down.isEmpty();
  }

  /**
   * How long before the end of a held credential's service the outage must end, so that a retry
   * (the longest transient backoff is a minute) gets a new one in time.
   */
  static Duration recovery(Lifetimes lifetimes) {
    return max(Duration.ofSeconds(90), lifetimes.unit().dividedBy(20));
  }

  /** The same outage, ending at {@code end}. */
  OutagePlan endingAt(Instant end) {
    return new OutagePlan(from, end, down, spared);
  }

  /** No outage. */
  static OutagePlan none(Instant at, Map<String, String> spared) {
    return new OutagePlan(at, at, List.of(), spared);
  }

  /** True if [start, end] overlaps the outage. */
  boolean overlaps(Instant start, Instant end) {
    return happens() && !end.isBefore(from) && start.isBefore(until);
  }

  /** Plans an outage across the next refresh of every scenario, seen from {@code now}. */
  static OutagePlan plan(List<Scenario> scenarios, Instant now, Lifetimes lifetimes) {
    Duration lead = lifetimes.unit().dividedBy(20); // 3 min of 1 h
    Duration tail = lifetimes.unit().dividedBy(30); // 2 min of 1 h
    Duration recovery = recovery(lifetimes);
    List<Scenario> candidates = new ArrayList<>(scenarios);
    Map<String, String> spared = new LinkedHashMap<>();
    while (!candidates.isEmpty()) {
      Map<Scenario, List<Instant>> refreshes = new LinkedHashMap<>();
      for (Scenario s : candidates) {
        List<Instant> at = new ArrayList<>();
        for (Scenario.Watched w : s.watched()) {
          Instant r = w.source().status().nextRefreshAt();
          if (r != null && r.isAfter(now.plus(lead))) {
            at.add(r);
          }
        }
        refreshes.put(s, at);
      }
      Scenario none =
          refreshes.entrySet().stream()
              .filter(e -> e.getValue().isEmpty())
              .map(Map.Entry::getKey)
              .findFirst()
              .orElse(null);
      if (none != null) {
        spared.put(none.backend(), "no refresh of it is planned");
        candidates.remove(none);
        continue;
      }
      // the shortest window holding a refresh of every candidate
      Instant bestStart = null;
      Instant bestEnd = null;
      for (List<Instant> starts : refreshes.values()) {
        for (Instant start : starts) {
          Instant end = start;
          boolean covers = true;
          for (List<Instant> times : refreshes.values()) {
            Instant first =
                times.stream().filter(t -> !t.isBefore(start)).min(Instant::compareTo).orElse(null);
            if (first == null) {
              covers = false;
              break;
            }
            end = first.isAfter(end) ? first : end;
          }
          if (covers
              && (bestStart == null
                  || Duration.between(start, end).compareTo(Duration.between(bestStart, bestEnd))
                      < 0)) {
            bestStart = start;
            bestEnd = end;
          }
        }
      }
      if (bestStart == null || bestEnd == null) {
        return none(now, spared);
      }
      Instant from = bestStart.minus(lead);
      Instant until = bestEnd.plus(tail);
      // every source that has to refresh during the window must be served past it
      boolean changed = false;
      for (Scenario s : List.copyOf(candidates)) {
        for (Scenario.Watched w : s.watched()) {
          SourceStatus st = w.source().status();
          Instant r = st.nextRefreshAt();
          Instant served = st.expiresAt();
          boolean refreshesInside = r != null && !r.isBefore(from.minus(lead)) && r.isBefore(until);
          if (refreshesInside && (served == null || served.isBefore(until.plus(recovery)))) {
            spared.put(
                s.backend(),
                "'"
                    + w.label()
                    + "' holds a credential served only until "
                    + (served == null ? "-" : TIME.format(served))
                    + ", and an outage until "
                    + TIME.format(until)
                    + " would outlast it"
                    + s.outageCaveat().map(c -> ": " + c).orElse(""));
            candidates.remove(s);
            changed = true;
            break;
          }
        }
      }
      if (!changed) {
        return new OutagePlan(
            from, until, candidates.stream().map(Scenario::backend).toList(), spared);
      }
    }
    return none(now, spared);
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
