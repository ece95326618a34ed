package dev.ephemera.core.internal;

import java.io.IOException;
import java.io.Reader;
import java.util.Map;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Reads audit JSON lines as written by {@link dev.ephemera.core.audit.JsonLinesAuditListener}, or
 * lines of a chained format whose {@code "event"} member holds the event. Every line is bounded;
 * one that is too long, not a JSON object or refused by the caller is skipped and counted. Blank
 * lines are not counted, nor are the entries of an {@code ephemera.chain/v1} file that hold no
 * event ({@code EPOCH}, {@code GAP}, {@code CHECKPOINT}): they are well-formed, just not events.
 * Shared by the detectors' baseline and the forensic timeline.
 */
public final class AuditLines {
  /** The longest line read, in chars; an audit event is far shorter. */
  public static final int MAX_LINE_CHARS = 64 * 1024;

  private static final String CHAIN_VERSION = "ephemera.chain/v1";

  private AuditLines() {}

  /**
   * Hands each line's event object to {@code accept}, which returns {@code false} for one it cannot
   * use.
   *
   * @param in the lines; not closed
   * @param maxLineChars the longest line read; a longer one is skipped
   * @param accept takes one event's members, {@code false} when it cannot use them
   * @return how many lines were skipped
   * @throws IOException if reading fails
   */
  public static long read(Reader in, int maxLineChars, Predicate<Map<String, Object>> accept)
      throws IOException {
    long[] skipped = {0};
    BoundedLines.forEach(
        in, maxLineChars, (n, text) -> skipped[0] += text == null ? 1 : handle(text, accept));
    return skipped[0];
  }

  /** {@return 1 if the line is skipped, else 0} */
  private static int handle(String line, Predicate<Map<String, Object>> accept) {
    String text = line.strip();
    if (text.isEmpty()) {
      return 0;
    }
    try {
      Map<String, Object> parsed = Json.parseObject(text);
      Map<String, Object> event = eventOf(parsed);
      if (event == null) {
        return isChainEntryWithoutEvent(parsed) ? 0 : 1;
      }
      return accept.test(event) ? 0 : 1;
    } catch (RuntimeException e) {
      return 1;
    }
  }

  @SuppressWarnings("unchecked")
  private static @Nullable Map<String, Object> eventOf(Map<String, Object> line) {
    Object chained = line.get("event");
    if (chained instanceof Map) {
      return (Map<String, Object>) chained;
    }
    return line.containsKey("type") ? line : null;
  }

  private static boolean isChainEntryWithoutEvent(Map<String, Object> line) {
    return CHAIN_VERSION.equals(line.get("v"))
        && line.get("kind") instanceof String kind
        && !kind.equals("EVENT");
  }

  /**
   * {@return the string member {@code name}, or {@code null} when absent or not a string}
   *
   * @param event an event's members
   * @param name the member's name
   */
  public static @Nullable String string(Map<String, Object> event, String name) {
    return event.get(name) instanceof String s ? s : null;
  }
}
