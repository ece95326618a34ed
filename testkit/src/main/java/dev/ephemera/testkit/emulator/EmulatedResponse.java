package dev.ephemera.testkit.emulator;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A response an emulator sends.
 *
 * @param status the HTTP status
 * @param headers the headers
 * @param body the response body
 */
public record EmulatedResponse(int status, Map<String, String> headers, String body) {

  /**
   * Copies the headers.
   *
   * @param body the response body
   * @param headers the headers
   * @param status the HTTP status
   */
  public EmulatedResponse {
    headers = Map.copyOf(headers);
    Objects.requireNonNull(body, "body");
  }

  /**
   * {@return a JSON response}
   *
   * @param status the HTTP status
   * @param body the response body
   */
  public static EmulatedResponse json(int status, String body) {
    return new EmulatedResponse(status, Map.of("Content-Type", "application/json"), body);
  }

  /**
   * {@return an XML response}
   *
   * @param status the HTTP status
   * @param body the response body
   */
  public static EmulatedResponse xml(int status, String body) {
    return new EmulatedResponse(status, Map.of("Content-Type", "text/xml"), body);
  }

  /**
   * {@return a plain-text response}
   *
   * @param status the HTTP status
   * @param body the response body
   */
  public static EmulatedResponse text(int status, String body) {
    return new EmulatedResponse(status, Map.of("Content-Type", "text/plain"), body);
  }

  /**
   * {@return the same response with one more header}
   *
   * @param name the name
   * @param value the value
   */
  public EmulatedResponse withHeader(String name, String value) {
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.put(name, value);
    return new EmulatedResponse(status, h, body);
  }

  /**
   * {@return the same response with another body}
   *
   * @param newBody the new body
   */
  public EmulatedResponse withBody(String newBody) {
    return new EmulatedResponse(status, headers, newBody);
  }
}
