package dev.ephemera.testkit.aws;

import dev.ephemera.testkit.Canary;
import java.security.SecureRandom;

/** Random AWS-shaped identifiers and secrets for the emulators. */
final class AwsIds {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();
  private static final char[] B64 =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".toCharArray();

  private AwsIds() {}

  /** A temporary access key id: {@code ASIA} and 16 characters. */
  static String accessKeyId() {
    return "ASIA" + random(UPPER, 16);
  }

  /** A 40-character secret access key. */
  static String secretAccessKey() {
    return Canary.mark("", random(B64, 40), 40);
  }

  /** A session token of realistic shape and length. */
  static String sessionToken() {
    return Canary.mark("IQoJb3JpZ2luX2VjE", random(B64, 360), 17 + 360) + "==";
  }

  /** An assumed-role id prefix. */
  static String roleId() {
    return "AROA" + random(UPPER, 17);
  }

  static String random(char[] alphabet, int length) {
    char[] out = new char[length];
    for (int i = 0; i < length; i++) {
      out[i] = alphabet[RANDOM.nextInt(alphabet.length)];
    }
    return new String(out);
  }
}
