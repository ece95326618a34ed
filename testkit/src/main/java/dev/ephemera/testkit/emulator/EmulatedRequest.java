package dev.ephemera.testkit.emulator;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A request as an emulator sees it.
 *
 * @param method the HTTP method
 * @param path the path, without query
 * @param query the decoded query parameters (first value of each)
 * @param headers the headers, names lower-cased (first value of each)
 * @param body the body as text
 */
public record EmulatedRequest(
    String method,
    String path,
    Map<String, String> query,
    Map<String, String> headers,
    String body) {

  /**
   * Copies the maps.
   *
   * @param body the body as text
   * @param headers the headers, names lower-cased (first value of each)
   * @param method the HTTP method
   * @param path the path, without query
   * @param query the decoded query parameters (first value of each)
   */
  public EmulatedRequest {
    query = Map.copyOf(query);
    headers = Map.copyOf(headers);
  }

  /**
   * {@return a header (case-insensitive)}
   *
   * @param name the name
   */
  public Optional<String> header(String name) {
    return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
  }

  /**
   * {@return a query parameter}
   *
   * @param name the name
   */
  public Optional<String> queryParam(String name) {
    return Optional.ofNullable(query.get(name));
  }

  /**
   * {@return the body parsed as {@code application/x-www-form-urlencoded} (first value of each)}
   */
  public Map<String, String> form() {
    return parseForm(body);
  }

  /**
   * Parses a URL-encoded form or query string (first value of each name).
   *
   * @param text the text
   * @return each name and its first value
   */
  public static Map<String, String> parseForm(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    if (text.isEmpty()) {
      return out;
    }
    for (String pair : text.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      out.putIfAbsent(
          URLDecoder.decode(k, StandardCharsets.UTF_8),
          URLDecoder.decode(v, StandardCharsets.UTF_8));
    }
    return out;
  }

  /** {@return convenience for emulators: this path split on '/', without empty parts} */
  public List<String> pathSegments() {
    return java.util.Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
  }
}
