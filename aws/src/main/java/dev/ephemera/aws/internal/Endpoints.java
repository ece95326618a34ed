package dev.ephemera.aws.internal;

import dev.ephemera.core.CredentialConfigurationException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** Endpoint checks: absolute http(s) URLs, and plain HTTP only where nobody can listen in. */
public final class Endpoints {
  /** The EKS Pod Identity agent and ECS task metadata addresses (link-local, on the node). */
  private static final Set<String> CONTAINER_HOSTS =
      Set.of("169.254.170.23", "fd00:ec2:0:0:0:0:0:23", "169.254.170.2");

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private Endpoints() {}

  /** Which plain-HTTP hosts a kind of endpoint may use without an explicit opt-in. */
  public enum PlainHttp {
    /** Only loopback addresses ({@code 127.0.0.0/8}, {@code ::1}, {@code localhost}). */
    LOOPBACK,
    /** Loopback and the link-local container credential addresses. */
    LOOPBACK_AND_CONTAINER_AGENT
  }

  /**
   * Parses and checks an endpoint URL.
   *
   * @param setting the setting's name for errors (an environment variable or builder method)
   * @param allowInsecureHttp the user's explicit opt-in to plain HTTP to any host
   * @throws CredentialConfigurationException naming {@code setting} if the URL is malformed, not
   *     http(s), or plain HTTP to a host not allowed
   */
  public static URI check(
      String value, String setting, PlainHttp plainHttp, boolean allowInsecureHttp) {
    URI uri;
    try {
      uri = new URI(value.strip());
    } catch (URISyntaxException e) {
      throw new CredentialConfigurationException(setting, "is not a valid URL: " + value);
    }
    return check(uri, setting, plainHttp, allowInsecureHttp);
  }

  /** {@link #check(String, String, PlainHttp, boolean)} for a URI. */
  public static URI check(URI uri, String setting, PlainHttp plainHttp, boolean allowInsecureHttp) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    String host = uri.getHost();
    if (!uri.isAbsolute() || host == null || host.isEmpty()) {
      throw new CredentialConfigurationException(
          setting, "must be an absolute http(s) URL with a host, not " + uri);
    }
    if (uri.getRawUserInfo() != null) {
      throw new CredentialConfigurationException(setting, "must not carry user info");
    }
    if (scheme.equals("https")) {
      return uri;
    }
    if (!scheme.equals("http")) {
      throw new CredentialConfigurationException(
          setting, "must use https (or http to a loopback address), not " + scheme);
    }
    if (allowInsecureHttp || isLoopback(host)) {
      return uri;
    }
    if (plainHttp == PlainHttp.LOOPBACK_AND_CONTAINER_AGENT
        && CONTAINER_HOSTS.contains(normalizedLiteral(host))) {
      return uri;
    }
    throw new CredentialConfigurationException(
        setting,
        "uses plain http to "
            + host
            + ": credentials may only travel unencrypted to "
            + (plainHttp == PlainHttp.LOOPBACK
                ? "a loopback address"
                : "a loopback address or the EKS Pod Identity / ECS agent address")
            + "; use https, or opt in with allowInsecureHttp(true)");
  }

  /** True for {@code localhost} and loopback IP literals; never resolves a name. */
  public static boolean isLoopback(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.equals("localhost")) {
      return true;
    }
    String literal = normalizedLiteral(h);
    if (literal.isEmpty()) {
      return false;
    }
    try {
      return InetAddress.getByName(literal).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** An IP literal in Java's canonical text form, or empty if {@code host} is not a literal. */
  private static String normalizedLiteral(String host) {
    String h =
        host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if (!IPV4.matcher(h).matches() && !h.contains(":")) {
      return ""; // a name: never resolved here
    }
    try {
      return InetAddress.getByName(h).getHostAddress();
    } catch (UnknownHostException e) {
      return "";
    }
  }
}
