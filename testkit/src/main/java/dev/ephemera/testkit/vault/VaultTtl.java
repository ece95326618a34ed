package dev.ephemera.testkit.vault;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Vault's durations (PROTOCOLS.md §4.3, §4.4): a renewal's {@code increment} as seconds or a Go
 * duration, and the capping warning with durations printed Go-style.
 */
final class VaultTtl {
  private static final Pattern GO_DURATION = Pattern.compile("(\\d+)(h|m|s)");

  private VaultTtl() {}

  /**
   * The {@code increment} of a renewal: integer seconds or a Go duration string; absent/0 = none.
   */
  static Optional<Long> increment(JsonNode body) {
    JsonNode n = body.get("increment");
    if (n == null || n.isNull()) {
      return Optional.empty();
    }
    long seconds;
    if (n.isNumber()) {
      seconds = n.asLong();
    } else {
      seconds = parseGoDuration(n.asText());
    }
    return seconds > 0 ? Optional.of(seconds) : Optional.empty();
  }

  private static long parseGoDuration(String text) {
    String t = text.strip();
    if (t.matches("\\d+")) {
      return Long.parseLong(t);
    }
    Matcher m = GO_DURATION.matcher(t);
    long total = 0;
    int end = 0;
    while (m.find()) {
      if (m.start() != end) {
        return 0;
      }
      long n = Long.parseLong(m.group(1));
      total +=
          switch (m.group(2)) {
            case "h" -> n * 3600;
            case "m" -> n * 60;
            default -> n;
          };
      end = m.end();
    }
    return end == t.length() ? total : 0;
  }

  /** Vault's capping warning, durations printed Go-style with zero parts dropped. */
  static String cappedWarning(long requestedSeconds, long maxSeconds) {
    return "TTL of \""
        + humanDuration(requestedSeconds)
        + "\" exceeded the effective max_ttl of \""
        + humanDuration(maxSeconds)
        + "\"; TTL value is capped accordingly";
  }

  static String humanDuration(long seconds) {
    if (seconds <= 0) {
      return "0s";
    }
    long h = seconds / 3600;
    long m = (seconds % 3600) / 60;
    long s = seconds % 60;
    StringBuilder sb = new StringBuilder();
    if (h > 0) {
      sb.append(h).append('h');
    }
    if (m > 0) {
      sb.append(m).append('m');
    }
    if (s > 0) {
      sb.append(s).append('s');
    }
    return sb.toString();
  }

  static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
