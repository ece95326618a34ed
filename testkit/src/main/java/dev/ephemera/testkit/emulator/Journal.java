package dev.ephemera.testkit.emulator;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Every request an emulator received, in order. Thread-safe. */
public final class Journal {
  private final List<JournalEntry> entries = new ArrayList<>();

  Journal() {}

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
