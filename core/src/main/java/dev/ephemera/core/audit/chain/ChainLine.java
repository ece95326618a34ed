package dev.ephemera.core.audit.chain;

import dev.ephemera.core.internal.Json;
import java.math.BigDecimal;
import java.security.MessageDigest;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One line of a chain file, read as {@link ChainFormat} defines it: the envelope members in their
 * fixed order, the kind's own members (an {@code EVENT}'s event is hashed, never parsed), the
 * trailer. A line that is not such an entry is refused with an {@link IllegalArgumentException}
 * saying why.
 */
final class ChainLine {
  private static final String TRAILER = ",\"hash\":\"";

  final String file;
  final long line;
  final String origin;
  final String epoch;
  final long seq;
  final String kind;
  final String time;
  final String prev;
  final String hash;
  final @Nullable String sig;
  final @Nullable String mac;

  /** Whether the body has the hash it states: checked as the line is read, the body not kept. */
  final boolean hashMatches;

  /** The kind's own members (not for {@code EVENT}): parsed from the body. */
  final Map<String, Object> members;

  private ChainLine(
      String file,
      long line,
      String origin,
      String epoch,
      long seq,
      String kind,
      String time,
      String prev,
      String hash,
      @Nullable String sig,
      @Nullable String mac,
      boolean hashMatches,
      Map<String, Object> members) {
    this.file = file;
    this.line = line;
    this.origin = origin;
    this.epoch = epoch;
    this.seq = seq;
    this.kind = kind;
    this.time = time;
    this.prev = prev;
    this.hash = hash;
    this.sig = sig;
    this.mac = mac;
    this.hashMatches = hashMatches;
    this.members = members;
  }

  /** Reads {@code text}, line {@code line} of {@code file}. */
  static ChainLine parse(String file, long line, String text) {
    return parse(file, line, text, ChainFormat.sha256(), s -> s);
  }

  /**
   * Reads {@code text}, line {@code line} of {@code file}, hashing its body with {@code sha}; the
   * origin and epoch, the same on many lines, are kept as {@code shared} returns them.
   */
  static ChainLine parse(
      String file,
      long line,
      String text,
      MessageDigest sha,
      java.util.function.UnaryOperator<String> shared) {
    int cut = text.lastIndexOf(TRAILER);
    if (cut < 0 || !text.endsWith("}")) {
      throw new IllegalArgumentException("no hash trailer: not an entry, or cut short");
    }
    String body = text.substring(0, cut) + "}";
    Map<String, String> trailer = trailer(text.substring(cut + 1, text.length() - 1));
    String hash = trailer.get("hash");
    if (hash == null || !isHex64(hash)) {
      throw new IllegalArgumentException("the hash is not 64 hex digits");
    }
    Cursor c = new Cursor(body);
    c.expect("{\"v\":\"" + ChainFormat.VERSION + "\",\"origin\":");
    String origin = shared.apply(c.string());
    c.expect(",\"epoch\":");
    String epoch = shared.apply(c.string());
    c.expect(",\"seq\":");
    long seq = c.number();
    c.expect(",\"kind\":");
    String kind = c.string();
    c.expect(",\"time\":");
    String time = c.string();
    c.expect(",\"prev\":");
    String prev = c.string();
    if (!isHex64(prev)) {
      throw new IllegalArgumentException("prev is not 64 hex digits");
    }
    Map<String, Object> members;
    switch (kind) {
      case "EVENT" -> {
        c.expect(",\"event\":{");
        members = Map.of();
      }
      case "EPOCH", "GAP", "CHECKPOINT" -> members = c.members();
      default -> throw new IllegalArgumentException("unknown kind " + kind);
    }
    return new ChainLine(
        file,
        line,
        origin,
        epoch,
        seq,
        kind,
        time,
        prev,
        hash,
        trailer.get("sig"),
        trailer.get("mac"),
        ChainFormat.hash(sha, body).equals(hash),
        members);
  }

  @Nullable String string(String member) {
    return members.get(member) instanceof String s ? s : null;
  }

  long number(String member, long otherwise) {
    return members.get(member) instanceof BigDecimal d ? d.longValue() : otherwise;
  }

  @SuppressWarnings("unchecked")
  @Nullable Map<String, Object> object(String member) {
    return members.get(member) instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
  }

  boolean isFinal() {
    return Boolean.TRUE.equals(members.get("final"));
  }

  String where() {
    return file + ":" + line;
  }

  private static Map<String, String> trailer(String text) {
    // "hash":"...","sig":"...","mac":"..." with values free of quotes and backslashes
    Map<String, String> out = new java.util.HashMap<>();
    for (String part : text.split(",")) {
      int colon = part.indexOf(':');
      if (colon < 0 || part.length() < colon + 3) {
        throw new IllegalArgumentException("the trailer is malformed");
      }
      String name = unquote(part.substring(0, colon));
      String value = unquote(part.substring(colon + 1));
      if (out.put(name, value) != null) {
        throw new IllegalArgumentException("the trailer names " + name + " twice");
      }
    }
    return out;
  }

  private static String unquote(String s) {
    if (s.length() < 2 || s.charAt(0) != '"' || s.charAt(s.length() - 1) != '"') {
      throw new IllegalArgumentException("the trailer is malformed");
    }
    String v = s.substring(1, s.length() - 1);
    if (v.indexOf('"') >= 0 || v.indexOf('\\') >= 0) {
      throw new IllegalArgumentException("the trailer is malformed");
    }
    return v;
  }

  static boolean isHex64(String s) {
    if (s.length() != 64) {
      return false;
    }
    for (int i = 0; i < 64; i++) {
      char ch = s.charAt(i);
      if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  /** Reads the envelope's fixed members, strictly, in order. */
  private static final class Cursor {
    private final String text;
    private int pos;

    Cursor(String text) {
      this.text = text;
    }

    void expect(String literal) {
      if (!text.startsWith(literal, pos)) {
        throw new IllegalArgumentException(
            "expected "
                + literal
                + " at offset "
                + pos
                + ": not an entry of "
                + ChainFormat.VERSION);
      }
      pos += literal.length();
    }

    String string() {
      if (pos >= text.length() || text.charAt(pos) != '"') {
        throw new IllegalArgumentException("expected a string at offset " + pos);
      }
      int end = pos + 1;
      boolean escaped = false;
      while (end < text.length()) {
        char ch = text.charAt(end);
        if (ch == '\\') {
          escaped = true;
          end += 2;
          continue;
        }
        if (ch == '"') {
          break;
        }
        end++;
      }
      if (end >= text.length()) {
        throw new IllegalArgumentException("an unterminated string at offset " + pos);
      }
      String raw = text.substring(pos, end + 1);
      pos = end + 1;
      return escaped ? (String) Json.parse(raw) : raw.substring(1, raw.length() - 1);
    }

    long number() {
      int start = pos;
      while (pos < text.length() && Character.isDigit(text.charAt(pos)) && pos - start < 19) {
        pos++;
      }
      if (pos == start) {
        throw new IllegalArgumentException("expected a seq number at offset " + start);
      }
      return Long.parseLong(text, start, pos, 10);
    }

    /** {@return the members after the envelope, parsed} */
    Map<String, Object> members() {
      if (text.startsWith("}", pos) && pos == text.length() - 1) {
        return Map.of();
      }
      expect(",");
      return Json.parseObject("{" + text.substring(pos));
    }
  }
}
