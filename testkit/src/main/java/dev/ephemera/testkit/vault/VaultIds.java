package dev.ephemera.testkit.vault;

import dev.ephemera.testkit.Canary;
import java.security.SecureRandom;

/** Random Vault-shaped values: token values, accessors, lease ids, generated usernames. */
final class VaultIds {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  private VaultIds() {}

  /** A service token value: {@code hvs.} and 24 characters. */
  static String token() {
    return Canary.mark("hvs.", random(24), 28);
  }

  static String random(int length) {
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return sb.toString();
  }
}
