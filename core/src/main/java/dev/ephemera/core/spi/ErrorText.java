package dev.ephemera.core.spi;

import dev.ephemera.core.CredentialException;
import dev.ephemera.core.Secret;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Makes upstream text safe for exception messages, logs and audit events: known secrets and
 * anything that looks like one are replaced, control characters folded, and the result truncated.
 */
public final class ErrorText {
  /** Longest text kept, in characters, before {@code …} is appended. */
  public static final int MAX_LENGTH = 300;

  private static final Pattern JWT =
      Pattern.compile("eyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]*");
  private static final Pattern SECRET_FIELD =
      Pattern.compile(
          "(?i)(\"?(?:[a-z_]*token|[a-z_]*secret[a-z_]*|password|client_assertion|assertion"
              + "|secretaccesskey|sessiontoken|credential|api[_-]?key|private_key)\"?\\s*[:=]\\s*)"
              + "(\"[^\"]*\"|[^\\s,&<}]+)");
  private static final Pattern XML_SECRET =
      Pattern.compile("(?i)(<(SecretAccessKey|SessionToken|Token|WebIdentityToken)>)[^<]*(</\\2>)");
  private static final Pattern BEARER = Pattern.compile("(?i)(bearer\\s+)[^\\s\"',]+");
  private static final Pattern LONG_RUN = Pattern.compile("[A-Za-z0-9+/_=.-]{40,}");
  private static final Pattern ARN =
      Pattern.compile("arn:[a-z0-9-]+:[a-z0-9-]*:[a-z0-9-]*:[0-9]{0,12}:[A-Za-z0-9+=,.@_/:-]+");
  private static final Pattern WORD_SEGMENT =
      Pattern.compile(
          "(?:[A-Za-z][a-z]*(?:[A-Z][a-z]+)*[0-9]{0,4}|[0-9]{1,6})"
              + "(?:[-_.:](?:[A-Za-z][a-z]*(?:[A-Z][a-z]+)*[0-9]{0,4}|[0-9]{1,6}))*");
  private static final int MAX_CAUSES = 16;
  private static final Pattern CONTROL = Pattern.compile("[\\p{Cntrl}\\s]+");

  private ErrorText() {}

  /**
   * Scrubs and truncates upstream text (an error body, a foreign exception's message).
   *
   * @param text the raw text; {@code null} gives an empty string
   * @param known secret values that must not appear, e.g. the token just sent
   * @return the scrubbed text, safe to log
   */
  public static String sanitize(@Nullable String text, Secret... known) {
    if (text == null || text.isEmpty()) {
      return "";
    }
    String s = text;
    for (Secret secret : known) {
      s = s.replace(secret.reveal(), "[redacted]");
    }
    s = JWT.matcher(s).replaceAll("[jwt redacted]");
    s = XML_SECRET.matcher(s).replaceAll("$1[redacted]$3");
    s = SECRET_FIELD.matcher(s).replaceAll("$1[redacted]");
    s = BEARER.matcher(s).replaceAll("$1[redacted]");
    s = redactLongRunsOutsideArns(s);
    s = CONTROL.matcher(s).replaceAll(" ").strip();
    if (s.length() > MAX_LENGTH) {
      int cut = Character.isHighSurrogate(s.charAt(MAX_LENGTH - 1)) ? MAX_LENGTH - 1 : MAX_LENGTH;
      s = s.substring(0, cut) + "…";
    }
    return s;
  }

  /**
   * Inside an ARN, a long run that mixes upper case, lower case and digits is not a name (names are
   * lower-case words and numbers): redact it.
   */
  private static String redactLongComponents(String arn) {
    return LONG_RUN
        .matcher(arn)
        .replaceAll(
            m -> {
              String run = m.group();
              boolean upper = run.chars().anyMatch(Character::isUpperCase);
              boolean lower = run.chars().anyMatch(Character::isLowerCase);
              boolean digit = run.chars().anyMatch(Character::isDigit);
              return upper && lower && digit
                  ? "[redacted]"
                  : java.util.regex.Matcher.quoteReplacement(run);
            });
  }

  /** Long base64-like runs are redacted, except inside ARNs (not secret, and worth reading). */
  private static String redactLongRunsOutsideArns(String s) {
    StringBuilder out = new StringBuilder(s.length());
    var arns = ARN.matcher(s);
    int from = 0;
    while (arns.find()) {
      out.append(redactLongRuns(s.substring(from, arns.start())));
      out.append(redactLongComponents(arns.group()));
      from = arns.end();
    }
    out.append(redactLongRuns(s.substring(from)));
    return out.toString();
  }

  /** Long runs are redacted unless they are a path of words, like a URL path. */
  private static String redactLongRuns(String s) {
    return LONG_RUN
        .matcher(s)
        .replaceAll(
            m ->
                isPathOfWords(m.group())
                    ? java.util.regex.Matcher.quoteReplacement(m.group())
                    : "[redacted]");
  }

  /**
   * True for {@code /computeMetadata/v1/instance/service-accounts/default/token}: every segment is
   * a word (camel case, joined by {@code - _ .}), a short number or empty. Random base64 almost
   * never is: it has capitals and digits in the middle of its segments.
   */
  private static boolean isPathOfWords(String run) {
    if (run.indexOf('/') < 0) {
      return false;
    }
    for (String segment : run.split("/", -1)) {
      if (!segment.isEmpty() && !WORD_SEGMENT.matcher(segment).matches()) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@return a copy of a foreign throwable that is safe to keep as a cause: each exception in the
   * chain becomes a {@link CredentialException} whose message is {@link #describe(Throwable)
   * described} and whose stack trace is the original's} Our own exceptions are returned as they
   * are.
   *
   * @param t the credential
   */
  public static CredentialException scrub(Throwable t) {
    return scrub(t, java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()));
  }

  private static CredentialException scrub(Throwable t, java.util.Set<Throwable> seen) {
    if (t instanceof CredentialException own) {
      return own;
    }
    seen.add(t);
    Throwable cause = t.getCause();
    CredentialException scrubbedCause =
        cause != null && !seen.contains(cause) && seen.size() < MAX_CAUSES
            ? scrub(cause, seen)
            : null;
    CredentialException copy = new CredentialException(describe(t), scrubbedCause);
    copy.setStackTrace(t.getStackTrace());
    return copy;
  }

  /**
   * {@return {@code SimpleClassName: sanitized message} of a throwable, for messages and audit}
   *
   * @param t the credential
   */
  public static String describe(Throwable t) {
    String message = sanitize(t.getMessage());
    return message.isEmpty()
        ? t.getClass().getSimpleName()
        : t.getClass().getSimpleName() + ": " + message;
  }
}
