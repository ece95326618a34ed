package dev.ephemera.core.spi.http;

import dev.ephemera.core.CredentialConfigurationException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The one rule for where credentials may travel unencrypted (DESIGN invariant 8): https anywhere;
 * plain http only to loopback, to the link-local metadata endpoints a backend names, or anywhere
 * when the user opts in with the builders' one setting, {@code allowPlainHttp(true)}.
 *
 * <p>Host names are compared as written and never resolved (resolving could itself reach the
 * network, and a DNS answer can change): {@code localhost} is loopback, and a metadata name such as
 * {@code metadata.google.internal} counts only when the backend lists it. IP literals are compared
 * in canonical form, so {@code [fd00:ec2::23]} and {@code [fd00:ec2:0:0:0:0:0:23]} are one address.
 *
 * <p>Instances are immutable; the {@code with...} methods return copies.
 */
public final class EndpointPolicy {
  /** The name of the builder setting that opts in to plain HTTP, the same in every backend. */
  public static final String OPT_IN = "allowPlainHttp";

  /** The AWS container credential addresses: EKS Pod Identity agent (IPv4, IPv6) and ECS. */
  public static final Set<String> AWS_CONTAINER_HOSTS =
      Set.of("169.254.170.23", "fd00:ec2::23", "169.254.170.2");

  /** The GCE/GKE metadata server: its address and the names Google's libraries use. */
  public static final Set<String> GOOGLE_METADATA_HOSTS =
      Set.of("169.254.169.254", "metadata.google.internal", "metadata");

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private final boolean plainHttpAllowed;
  private final boolean plainHttpToLoopback;
  private final Set<String> metadataHosts;
  private final String metadataLabel;

  private EndpointPolicy(
      boolean plainHttpAllowed,
      boolean plainHttpToLoopback,
      Set<String> metadataHosts,
      String metadataLabel) {
    this.plainHttpAllowed = plainHttpAllowed;
    this.plainHttpToLoopback = plainHttpToLoopback;
    this.metadataHosts = metadataHosts;
    this.metadataLabel = metadataLabel;
  }

  /**
   * {@return plain HTTP to loopback only: the rule for STS, Entra, Vault and any token endpoint}
   */
  public static EndpointPolicy loopbackOnly() {
    return new EndpointPolicy(false, true, Set.of(), "");
  }

  /**
   * {@return Https only, loopback included: for upstreams whose own client refuses anything else
   * (MSAL accepts only https authorities)} The opt-in does not apply.
   */
  public static EndpointPolicy httpsOnly() {
    return new EndpointPolicy(false, false, Set.of(), "");
  }

  /**
   * {@return also plain HTTP to these link-local metadata endpoints (names as written, or IP
   * literals)}
   *
   * @param hosts the hosts
   * @param label how an error names them, e.g. {@code "the EKS Pod Identity / ECS agent"}
   */
  public EndpointPolicy withMetadataHosts(Set<String> hosts, String label) {
    Set<String> all = new LinkedHashSet<>(metadataHosts);
    for (String h : hosts) {
      all.add(canonical(Objects.requireNonNull(h, "host")));
    }
    return new EndpointPolicy(
        plainHttpAllowed, plainHttpToLoopback, Set.copyOf(all), Objects.requireNonNull(label));
  }

  /**
   * {@return this policy with the user's opt-in ({@value #OPT_IN}) applied: plain HTTP to any host}
   *
   * @param allowed the allowed
   */
  public EndpointPolicy withPlainHttpAllowed(boolean allowed) {
    return new EndpointPolicy(
        allowed && plainHttpToLoopback, plainHttpToLoopback, metadataHosts, metadataLabel);
  }

  /**
   * Parses and checks an endpoint given as text (an environment variable, a builder argument).
   *
   * @param value the value
   * @param setting the setting's name for errors
   * @return the checked endpoint
   * @throws CredentialConfigurationException naming {@code setting} when the URL is malformed, not
   *     absolute http(s) with a host, carries user info, or is plain HTTP the policy refuses
   */
  public URI check(String value, String setting) {
    URI uri;
    try {
      uri = new URI(value.strip());
    } catch (URISyntaxException e) {
      throw new CredentialConfigurationException(setting, "is not a valid URL: " + value);
    }
    return check(uri, setting);
  }

  /**
   * {@return {@link #check(String, String)} for a URI}
   *
   * @param uri the URI
   * @param setting the setting's name for errors
   */
  public URI check(URI uri, String setting) {
    String host = uri.getHost();
    if (!uri.isAbsolute() || host == null || host.isEmpty()) {
      throw new CredentialConfigurationException(
          setting, "must be an absolute http(s) URL with a host, not " + uri);
    }
    if (uri.getRawUserInfo() != null) {
      throw new CredentialConfigurationException(setting, "must not carry user info");
    }
    String why = refusal(uri);
    if (why != null) {
      throw new CredentialConfigurationException(setting, why);
    }
    return uri;
  }

  /**
   * {@return whether a request to {@code uri} may be sent: the check a transport makes on every
   * request (redirects and routing included), without the configuration exception}
   *
   * @param uri the URI
   */
  public boolean permits(URI uri) {
    return uri.getHost() != null && refusal(uri) == null;
  }

  /**
   * {@return why the policy refuses {@code uri}, or null when it permits it}
   *
   * @param uri the URI
   */
  public @org.jspecify.annotations.Nullable String refusal(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (scheme.equals("https")) {
      return null;
    }
    if (!scheme.equals("http")) {
      return "must use https"
          + (plainHttpToLoopback ? " (or http to loopback)" : "")
          + ", not "
          + (scheme.isEmpty() ? "no scheme" : scheme);
    }
    if (!plainHttpToLoopback) {
      return "must use https: this upstream's client refuses plain http, even to loopback";
    }
    String host = uri.getHost() == null ? "" : uri.getHost();
    if (plainHttpAllowed || isLoopback(host) || metadataHosts.contains(canonical(host))) {
      return null;
    }
    return "uses plain http to "
        + host
        + ": credentials may only travel unencrypted to a loopback address"
        + (metadataLabel.isEmpty() ? "" : " or " + metadataLabel)
        + "; use https, or opt in with "
        + OPT_IN
        + "(true)";
  }

  /**
   * {@return true for {@code localhost} and loopback IP literals; never resolves a name}
   *
   * @param host the host
   */
  public static boolean isLoopback(String host) {
    String h = canonical(host);
    if (h.equals("localhost")) {
      return true;
    }
    if (!isLiteral(h)) {
      return false;
    }
    try {
      return InetAddress.getByName(h).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** A host in canonical form: lower case, IP literals without brackets in Java's text form. */
  private static String canonical(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (!isLiteral(h)) {
      return h;
    }
    try {
      InetAddress a = InetAddress.getByName(h);
      return a.getHostAddress().toLowerCase(Locale.ROOT);
    } catch (UnknownHostException e) {
      return h;
    }
  }

  private static boolean isLiteral(String h) {
    if (IPV4.matcher(h).matches()) {
      return true;
    }
    if (!h.contains(":")) {
      return false;
    }
    for (int i = 0; i < h.length(); i++) {
      char c = h.charAt(i);
      if (Character.digit(c, 16) < 0 && c != ':' && c != '.' && c != '%') {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return "EndpointPolicy[plainHttp="
        + (!plainHttpToLoopback ? "never" : plainHttpAllowed ? "anywhere" : "loopback")
        + (metadataHosts.isEmpty() ? "" : ", metadata=" + metadataHosts)
        + "]";
  }
}
