package dev.ephemera.examples.demo;

/**
 * Fixed-width text columns that never run into each other: every cell is cut to its width (with an
 * ellipsis) and padded, cells are joined by two spaces, and a whole line can be cut to the
 * terminal's width so nothing wraps.
 */
final class Columns {
  static final String GAP = "  ";

  private Columns() {}

  /** {@code text} in exactly {@code width} characters: cut with "…" or padded on the right. */
  static String left(String text, int width) {
    String t = cut(text, width);
    return t + " ".repeat(width - t.length());
  }

  /** {@code text} in exactly {@code width} characters: cut with "…" or padded on the left. */
  static String right(String text, int width) {
    String t = cut(text, width);
    return " ".repeat(width - t.length()) + t;
  }

  /** {@code text} cut to at most {@code width} characters, the last one "…" when cut. */
  static String cut(String text, int width) {
    if (width <= 0) {
      return "";
    }
    if (text.length() <= width) {
      return text;
    }
    return text.substring(0, width - 1) + "…";
  }

  /**
   * An id in exactly {@code width} characters, cut in the middle when too long so both its start
   * (the kind) and its end (what tells two apart) stay: {@code database/cr…/payments/x8Kq2}.
   */
  static String id(String text, int width) {
    if (text.length() <= width) {
      return left(text, width);
    }
    int tail = (width - 1) / 2;
    int head = width - 1 - tail;
    return text.substring(0, head) + "…" + text.substring(text.length() - tail);
  }

  /**
   * Prose wrapped at word boundaries to {@code width} (0: unknown, no wrap); continuation lines are
   * indented by {@code indent} spaces. A word longer than a line is cut with "…".
   */
  static String wrap(String text, int width, int indent) {
    if (width <= 0) {
      return text;
    }
    String pad = " ".repeat(Math.min(indent, width / 2));
    StringBuilder out = new StringBuilder();
    String rest = text.stripTrailing();
    while (rest.length() > width) {
      int at = rest.lastIndexOf(' ', width);
      while (at > 0 && rest.charAt(at - 1) == ' ') {
        at--;
      }
      if (at <= pad.length() || rest.substring(0, at).isBlank()) {
        out.append(cut(rest, width));
        return out.toString();
      }
      out.append(rest, 0, at).append('\n');
      rest = pad + rest.substring(at).stripLeading();
    }
    return out.append(rest).toString();
  }

  /** A line cut to the terminal's width; {@code width <= 0} means unknown (no cut). */
  static String fit(String line, int width) {
    String trimmed = line.stripTrailing();
    return width <= 0 ? trimmed : cut(trimmed, width);
  }
}
