package dev.ephemera.testkit.emulator;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A response an emulator sends.
 *
 * @param status the HTTP status
 * @param headers the headers
 * @param body the body
 */
public record EmulatedResponse(int status, Map<String, String> headers, String body) {

  /** Copies the headers. */
  public EmulatedResponse {
    headers = Map.copyOf(headers);
    Objects.requireNonNull(body, "body");
  }

  /** A JSON response. */
  public static EmulatedResponse json(int status, String body) {
    return new EmulatedResponse(status, Map.of("Content-Type", "application/json"), body);
  }

  /** An XML response. */
  public static EmulatedResponse xml(int status, String body) {
    return new EmulatedResponse(status, Map.of("Content-Type", "text/xml"), body);
  }

  /** A plain-text response. */
  public static EmulatedResponse text(int status, String body) {
    return new EmulatedResponse(status, Map.of("Content-Type", "text/plain"), body);
  }

  /** The same response with one more header. */
  public EmulatedResponse withHeader(String name, String value) {
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.put(name, value);
    return new EmulatedResponse(status, h, body);
  }

  /** The same response with another body. */
  public EmulatedResponse withBody(String newBody) {
    return new EmulatedResponse(status, headers, newBody);
  }
}
