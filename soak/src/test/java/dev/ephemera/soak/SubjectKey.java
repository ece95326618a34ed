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
  private static final Pattern JWT =
      Pattern.compile("eyJ[A-Za-z0-9_-]{4,4096}\\.(eyJ[A-Za-z0-9_-]{4,8192})\\.[A-Za-z0-9_-]+");
  private static final Pattern SUB = Pattern.compile("\"sub\"\\s*:\\s*\"([^\"]{1,256})\"");

  private SubjectKey() {}

  /** {@return the subject of the first service-account token in the request, if any} */
  static Optional<String> of(EmulatedRequest request) {
    Optional<String> fromHeader = request.header("authorization").flatMap(SubjectKey::subjectIn);
    return fromHeader.isPresent() ? fromHeader : subjectIn(request.body());
  }

  /** {@return the subject of the first JWT in {@code text}, if any} */
  static Optional<String> subjectIn(String text) {
    Matcher jwt = JWT.matcher(text);
    if (!jwt.find()) {
      return Optional.empty();
    }
    String claims;
    try {
      claims = new String(Base64.getUrlDecoder().decode(jwt.group(1)), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    Matcher sub = SUB.matcher(claims);
    return sub.find() ? Optional.of(sub.group(1)) : Optional.empty();
  }
}
