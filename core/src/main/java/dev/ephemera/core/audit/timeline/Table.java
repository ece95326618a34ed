package dev.ephemera.core.audit.timeline;

import java.util.ArrayList;
import java.util.List;

/**
 * Text columns aligned to their widest cell, two spaces apart, the last one unpadded; headings
 * between rows are written as they are.
 */
final class Table {
  private final String indent;
  private final String[] header;
  private final int[] widths;
  private final List<Object> lines = new ArrayList<>(); // a String[] row, or a String heading

  Table(String indent, String... header) {
    this.indent = indent;
    this.header = header.clone();
    this.widths = new int[header.length];
    measure(header);
  }

  void heading(String text) {
    lines.add(text);
  }

  void row(String... cells) {
    if (cells.length != header.length) {
      throw new IllegalArgumentException(
          "a row of " + cells.length + " cells in a table of " + header.length + " columns");
    }
    measure(cells);
    lines.add(cells.clone());
  }

  private void measure(String[] cells) {
    for (int i = 0; i < cells.length; i++) {
      widths[i] = Math.max(widths[i], cells[i].length());
    }
  }

  void appendTo(StringBuilder sb) {
    append(sb, header);
    for (Object line : lines) {
      if (line instanceof String heading) {
        sb.append(heading).append('\n');
      } else {
        append(sb, (String[]) line);
      }
    }
  }

  private void append(StringBuilder sb, String[] cells) {
    int start = sb.length();
    sb.append(indent);
    for (int i = 0; i < cells.length; i++) {
      sb.append(cells[i]);
      if (i < cells.length - 1) {
        sb.append(" ".repeat(widths[i] - cells[i].length() + 2));
      }
    }
    int end = sb.length();
    while (end > start && sb.charAt(end - 1) == ' ') {
      end--;
    }
    sb.setLength(end);
    sb.append('\n');
  }
}
