package dev.ephemera.soak;

import dev.ephemera.testkit.emulator.EmulatedRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which pod a request comes from, as every upstream in the soak sees it: the {@code sub} of the
 * projected service-account token it carries (AWS STS {@code WebIdentityToken}, the Pod Identity
 * agent's {@code Authorization} header, Google STS {@code subject_token}, Entra {@code
 * client_assertion}, Vault's login {@code jwt}). Each pod of the soak has its own service account,
 * so the subject names the source.
 */
final class SubjectKey {
  private static final Pattern SUB = Pattern.compile("\"sub\"\\s*:\\s*\"([^\"]{1,256})\"");

  private SubjectKey() {}

  /** {@return the subject of the first service-account token in the request, if any} */
  static Optional<String> of(EmulatedRequest request) {
    Optional<String> fromHeader = request.header("authorization").flatMap(SubjectKey::subjectIn);
    return fromHeader.isPresent() ? fromHeader : subjectIn(request.body());
  }

  /**
   * {@return the subject of the first JWT in {@code text}, if any} Scanned by hand, not by a
   * regular expression: every request of the soak passes through here, on the emulators' threads.
   */
  static Optional<String> subjectIn(String text) {
    for (int at = text.indexOf("eyJ"); at >= 0; at = text.indexOf("eyJ", at + 1)) {
      int headerEnd = base64UrlRun(text, at);
      if (headerEnd - at < 4 || headerEnd >= text.length() || text.charAt(headerEnd) != '.') {
        continue;
      }
      int claimsEnd = base64UrlRun(text, headerEnd + 1);
      if (!text.startsWith("eyJ", headerEnd + 1)
          || claimsEnd >= text.length()
          || text.charAt(claimsEnd) != '.') {
        continue;
      }
      String claims;
      try {
        claims =
            new String(
                Base64.getUrlDecoder().decode(text.substring(headerEnd + 1, claimsEnd)),
                StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        continue;
      }
      Matcher sub = SUB.matcher(claims);
      return sub.find() ? Optional.of(sub.group(1)) : Optional.empty();
    }
    return Optional.empty();
  }

  /** {@return the index just past the run of base64url characters starting at {@code from}} */
  private static int base64UrlRun(String text, int from) {
    int i = from;
    while (i < text.length() && isBase64Url(text.charAt(i))) {
      i++;
    }
    return i;
  }

  private static boolean isBase64Url(char c) {
    return (c >= 'A' && c <= 'Z')
        || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '_';
  }
}
