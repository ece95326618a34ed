package dev.ephemera.vault.internal;

import dev.ephemera.core.spi.ErrorText;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** Recognises a renewal Vault capped at the max TTL. */
final class Renewals {
  private Renewals() {}

  /**
   * Vault's capping warning ({@code TTL of "1h" exceeded the effective max_ttl of "10m2s"; TTL
   * value is capped accordingly}), or a note when the granted TTL is below the requested increment;
   * null when the renewal was not capped.
   */
  static @Nullable String capWarning(
      List<String> warnings, long grantedSeconds, @Nullable Duration increment) {
    for (String w : warnings) {
      String lower = w.toLowerCase(Locale.ROOT);
      if (lower.contains("capped") || lower.contains("max_ttl")) {
        return ErrorText.sanitize(w);
      }
    }
    if (increment != null && grantedSeconds < increment.toSeconds()) {
      return "lease_duration "
          + grantedSeconds
          + "s is below the requested "
          + increment.toSeconds()
          + "s";
    }
    return null;
  }
}
