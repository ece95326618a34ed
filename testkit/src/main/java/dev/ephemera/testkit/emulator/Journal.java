package dev.ephemera.testkit.emulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/** Every request an emulator received, in order. Thread-safe. */
public final class Journal {
  private final List<JournalEntry> entries = new ArrayList<>();
  private volatile @Nullable InFlight inFlight;

  Journal() {}

  /**
   * From now on, counts how many requests with the same key are in flight at once; replaces any
   * earlier tracker. The key function runs on every request, on the server's threads.
   *
   * @param key what a request is keyed by (a source's session name, the subject of its token), or
   *     empty for requests not to count
   * @return the tracker, to read while or after the requests run
   */
  public InFlight trackInFlight(Function<EmulatedRequest, Optional<String>> key) {
    InFlight tracker = new InFlight(key);
    this.inFlight = tracker;
    return tracker;
  }

  /** A request arrived: {@return what {@link #answered} needs} */
  @Nullable InFlightTicket arrived(EmulatedRequest request) {
    InFlight tracker = inFlight;
    if (tracker == null) {
      return null;
    }
    String key = tracker.arrived(request);
    return key == null ? null : new InFlightTicket(tracker, key);
  }

  /**
   * The answer to the request of {@code ticket} leaves now, to be sent after {@code delayNanos}.
   */
  static void answered(@Nullable InFlightTicket ticket, long delayNanos) {
    if (ticket != null) {
      ticket.tracker().answered(ticket.key(), delayNanos);
    }
  }

  /** A request being counted by a tracker. */
  record InFlightTicket(InFlight tracker, String key) {}

  synchronized void add(JournalEntry entry) {
    entries.add(entry);
  }

  /** {@return a copy of every entry} */
  public synchronized List<JournalEntry> entries() {
    return List.copyOf(entries);
  }

  /**
   * {@return the entries matching {@code which}}
   *
   * @param which which of the requests
   */
  public synchronized List<JournalEntry> entries(Predicate<JournalEntry> which) {
    return entries.stream().filter(which).toList();
  }

  /**
   * {@return how many entries match {@code which}}
   *
   * @param which which of the requests
   */
  public synchronized int count(Predicate<JournalEntry> which) {
    return (int) entries.stream().filter(which).count();
  }

  /**
   * {@return how many requests had this method and a path starting with {@code pathPrefix}}
   *
   * @param method the method
   * @param pathPrefix the path prefix
   */
  public int count(String method, String pathPrefix) {
    return count(
        e -> e.request().method().equals(method) && e.request().path().startsWith(pathPrefix));
  }

  /** {@return how many requests there were} */
  public synchronized int size() {
    return entries.size();
  }

  /** Forgets every entry. */
  public synchronized void clear() {
    entries.clear();
  }

  /**
   * {@return the entries since index {@code from} (for "what happened during this step")}
   *
   * @param from the from
   */
  public synchronized List<JournalEntry> since(int from) {
    return List.copyOf(entries.subList(Math.min(from, entries.size()), entries.size()));
  }
}
