package dev.ephemera.testkit.aws;

import dev.ephemera.testkit.emulator.EmulatedResponse;
import java.util.UUID;

/**
 * STS's XML, shared by the success and the error answers (PROTOCOLS.md §1.1): the namespace,
 * escaping, and the {@code ErrorResponse} envelope.
 */
final class StsXml {
  /** The namespace of every STS answer. */
  static final String NS = "https://sts.amazonaws.com/doc/2011-06-15/";

  private StsXml() {}

  static EmulatedResponse error(StsError e) {
    return error(e.status(), e.type(), e.code(), e.message());
  }

  /** {@code <ErrorResponse>} with a fresh request id. */
  static EmulatedResponse error(int status, String type, String code, String message) {
    String body =
        "<ErrorResponse xmlns=\""
            + NS
            + "\">\n  <Error>\n    <Type>"
            + type
            + "</Type>\n    <Code>"
            + esc(code)
            + "</Code>\n    <Message>"
            + esc(message)
            + "</Message>\n  </Error>\n  <RequestId>"
            + UUID.randomUUID()
            + "</RequestId>\n</ErrorResponse>\n";
    return EmulatedResponse.xml(status, body);
  }

  /** A {@code ValidationError} (400, Sender). */
  static EmulatedResponse validationError(String message) {
    return error(400, "Sender", "ValidationError", message);
  }

  static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      switch (ch) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&apos;");
        default -> b.append(ch);
      }
    }
    return b.toString();
  }
}
