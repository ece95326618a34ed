package dev.ephemera.testkit;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The marker every secret the testkit mints carries, so that a scan of logs, test reports, audit
 * files and demo output finds any secret that leaked there. Secrets stay valid for their format: a
 * 40-character AWS secret access key, an {@code hvs.} Vault token, a {@code ya29.} Google token
 * each hold {@link #MARKER} in their random part; a JWT (projected token, Entra access token,
 * Google ID token) holds it in a {@value #CLAIM} claim, so only the whole token, not its non-secret
 * claims shown in audit, gives it away. A UUID-shaped secret (a Vault secret id) ends in {@link
 * #HEX_MARKER}.
 *
 * <p>Ids that are not secret (access key ids, accessors, {@code uti}) never carry the marker.
 */
public final class Canary {
  /** The marker: letters and digits only, so it fits base64, base32 and token alphabets. */
  public static final String MARKER = "EPHCNRY7";

  /**
   * The marker of secrets whose format is hex only (a Vault AppRole secret id is a UUID): twelve
   * lower-case hex digits, the last group of a {@link #uuid() marked UUID}.
   */
  public static final String HEX_MARKER = "c4a4e7c4a4e7";

  /** The JWT claim that carries the marker. */
  public static final String CLAIM = "ephemera_canary";

  private static final Pattern JWT =
      Pattern.compile("eyJ[A-Za-z0-9_-]{4,}\\.([A-Za-z0-9_-]{4,})\\.[A-Za-z0-9_-]*");

  private Canary() {}

  /**
   * {@return {@code prefix}, the marker, then {@code random} cut so the whole is {@code length}
   * long}
   *
   * @param prefix the object key prefix
   * @param random the random source
   * @param length the length
   */
  public static String mark(String prefix, String random, int length) {
    String s = prefix + MARKER + random;
    if (s.length() < length) {
      throw new IllegalArgumentException("not enough random characters for length " + length);
    }
    return s.substring(0, length);
  }

  /** {@return a random UUID-shaped secret whose last group is {@link #HEX_MARKER}} */
  public static String uuid() {
    String random = UUID.randomUUID().toString();
    return random.substring(0, random.lastIndexOf('-') + 1) + HEX_MARKER;
  }

  /**
   * {@return whether {@code text} holds a marked secret: the raw marker, the hex marker, or a JWT
   * carrying the claim}
   *
   * @param text the text
   */
  public static boolean leaksIn(CharSequence text) {
    String s = text.toString();
    if (s.contains(MARKER) || s.contains(HEX_MARKER)) {
      return true;
    }
    Matcher m = JWT.matcher(text);
    while (m.find()) {
      try {
        String payload =
            new String(Base64.getUrlDecoder().decode(m.group(1)), StandardCharsets.UTF_8);
        if (payload.contains(MARKER)) {
          return true;
        }
      } catch (IllegalArgumentException notBase64) {
        // not a JWT after all
      }
    }
    return false;
  }
}
